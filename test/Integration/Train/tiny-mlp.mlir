// A tiny MLP for the 8x8 tiny dataset, used by the dps-train tests.
// RUN: dps-train %s --dataset tiny --epochs 3 --val-split 16 --metrics %t.json --plot %t.svg | FileCheck %s
// RUN: FileCheck %s --check-prefix=JSON < %t.json
// RUN: FileCheck %s --check-prefix=SVG < %t.svg

// The first epoch is already mixed (the loss probe), subsets go from high to
// low precision, and precisions decay over the epochs.
// CHECK: dps-train: tiny (train), batch 16, ladder f32,bf16,f8E4M3FN
// CHECK: epoch subsets
// CHECK-NEXT: 1 f32:{{[0-9]+}} bf16:{{[0-9]+}} f8E4M3FN:{{[0-9]+}}
// CHECK-NEXT: 2 f32:
// CHECK-NEXT: 3 f32:
// CHECK: final test accuracy {{[0-9.]+}} in {{[0-9.]+}} s; params sha256 {{[0-9a-f]+}}

// Without the probe, epoch 1 runs every sample at the top precision, which
// measures the losses epoch 2's subsets are formed from.
// RUN: dps-train %s --dataset tiny --epochs 2 --val-split 16 --no-probe | FileCheck %s --check-prefix=NOPROBE
// NOPROBE: epoch subsets
// NOPROBE-NEXT: 1 f32:67 {{[0-9.]+}}
// NOPROBE-NEXT: 2 f32:{{[0-9]+}} bf16:{{[0-9]+}} f8E4M3FN:{{[0-9]+}}

// A one-rung ladder has nothing to split: it runs no probe.
// RUN: dps-train %s --dataset tiny --epochs 1 --val-split 16 --ladder f32 --metrics %t-f32.json > /dev/null
// RUN: FileCheck %s --check-prefix=ONERUNG < %t-f32.json
// ONERUNG: "probe": false,
// ONERUNG-NEXT: "probe_seconds": 0.0,

// JSON: "dataset": "tiny",
// JSON: "epoch": 1,
// JSON: "low_precision_fraction":
// JSON: "param_bytes": {
// JSON: "bf16":
// JSON: "f32":
// JSON: "rollback": false,
// JSON: "sample_store_bytes": {
// JSON: "samples_per_second":
// Each subset's rung: where its thread spent the epoch's steps (the f32
// rung reads the masters: no refresh), and in how many of them another
// thread had gathered its samples ahead.
// JSON: "subsets": [
// JSON-NEXT: {
// JSON-NEXT: "ahead_steps": {{[0-9]+}},
// JSON-NEXT: "gather_seconds": {{[0-9.e-]+}},
// JSON-NEXT: "kernel_seconds": {{[0-9.e-]+}},
// JSON-NEXT: "mean_loss":
// JSON-NEXT: "precision": "f32",
// JSON-NEXT: "refresh_seconds": 0.0,
// JSON-NEXT: "samples":
// JSON-NEXT: "steps": {{[1-9]}}
// JSON: "precision": "bf16",
// JSON-NEXT: "refresh_seconds": {{[0-9]\.[0-9]*[1-9][0-9]*(e-[0-9]+)?}},
// JSON: "precision": "f8E4M3FN",
// JSON: "test_accuracy":
// JSON: "train_loss":
// JSON: "val_error":
// JSON: "final": {
// JSON-NEXT: "params_sha256":
// JSON: "ladder": [
// JSON-NEXT: "f32",
// JSON: "model": "tiny",
// JSON: "resumed_from_epoch": null,
// 67 training samples (96, less 16 test, less 13 validation) of 64 f32 values.
// JSON: "source_bytes": 17152

// SVG: <svg xmlns="http://www.w3.org/2000/svg"
// SVG: f32 samples
// SVG: test accuracy
// SVG: validation error
func.func @tiny(%x: tensor<?x8x8x1xf32>,
                %w1: tensor<64x32xf32> {dps.param = #dps.init<he_normal>},
                %b1: tensor<32xf32> {dps.param = #dps.init<zeros>},
                %w2: tensor<32x4xf32> {dps.param = #dps.init<glorot_uniform>},
                %b2: tensor<4xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x4xf32> {
  %flat = dps.flatten %x : tensor<?x8x8x1xf32>
  %h = dps.dense %flat, %w1, %b1 : tensor<?x64xf32>, tensor<64x32xf32>, tensor<32xf32>
  %a = dps.relu %h : tensor<?x32xf32>
  %y = dps.dense %a, %w2, %b2 : tensor<?x32xf32>, tensor<32x4xf32>, tensor<4xf32>
  return %y : tensor<?x4xf32>
}
dps.train_step @train {forward = @tiny, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>, schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, batch = 16}
