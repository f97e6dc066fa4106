// A model with 3 outputs on a dataset with 4 classes: a clear error before
// training (the manifest records the outputs per sample), not a NaN loss.
// RUN: not dps-train %s --dataset tiny --cache-dir %t 2>&1 | FileCheck %s
// CHECK: dps-train: error: the dataset has labels up to 3, the model three has 3 outputs
// RUN: dps-translate --dps-to-manifest %s | FileCheck %s --check-prefix=MANIFEST
// MANIFEST: "outputs": 3
func.func @three(%x: tensor<?x8x8x1xf32>,
                 %w: tensor<64x3xf32> {dps.param = #dps.init<glorot_uniform>})
    -> tensor<?x3xf32> {
  %flat = dps.flatten %x : tensor<?x8x8x1xf32>
  %y = dps.dense %flat, %w : tensor<?x64xf32>, tensor<64x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @train {forward = @three, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 16}
