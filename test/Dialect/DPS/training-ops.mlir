// RUN: dps-opt %s | dps-opt | FileCheck %s

// CHECK-LABEL: func @update
func.func @update(%w: tensor<4x3xf32>, %g: tensor<4x3xf32>, %m: tensor<4x3xf32>, %v: tensor<4x3xf32>,
                  %step: i64, %total: i64, %scale: f32) -> (tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>) {
  // CHECK: %[[LR:.*]] = dps.learning_rate %{{.*}}, %{{.*}} schedule <cosine> base 5.000000e-02
  %lr = dps.learning_rate %step, %total schedule <cosine> base 5.000000e-02
  // CHECK: dps.optimizer_step %{{.*}}, %{{.*}} lr %[[LR]] step %{{.*}} scale %{{.*}} using(#dps.sgd<lr = 5.000000e-02>) : tensor<4x3xf32>
  %w1 = dps.optimizer_step %w, %g lr %lr step %step scale %scale using(#dps.sgd<lr = 0.05>) : tensor<4x3xf32>
  // CHECK: dps.optimizer_step %{{.*}}, %{{.*}} state(%{{.*}}, %{{.*}} : tensor<4x3xf32>, tensor<4x3xf32>) lr %[[LR]] step %{{.*}} scale %{{.*}} using(#dps.adam<lr = 1.000000e-03>) : tensor<4x3xf32>
  %w2, %m2, %v2 = dps.optimizer_step %w1, %g state(%m, %v : tensor<4x3xf32>, tensor<4x3xf32>) lr %lr step %step scale %scale using(#dps.adam<lr = 0.001>) : tensor<4x3xf32>
  return %w1, %w2, %m2, %v2 : tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>, tensor<4x3xf32>
}

// CHECK-LABEL: func @predict
// CHECK: dps.argmax %{{.*}} : tensor<?x10xf32>
func.func @predict(%logits: tensor<?x10xf32>) -> tensor<?xi32> {
  %p = dps.argmax %logits : tensor<?x10xf32>
  return %p : tensor<?xi32>
}

// A rung's weight copy in the VNNI layout, and back.
// CHECK-LABEL: func @vnni
// CHECK: %[[P:.*]] = dps.pack_vnni %{{.*}} : tensor<784x256xbf16>
// CHECK: dps.unpack_vnni %[[P]] : tensor<392x256x2xbf16>
func.func @vnni(%w: tensor<784x256xbf16>) -> tensor<784x256xbf16> {
  %p = dps.pack_vnni %w : tensor<784x256xbf16>
  %u = dps.unpack_vnni %p : tensor<392x256x2xbf16>
  return %u : tensor<784x256xbf16>
}
