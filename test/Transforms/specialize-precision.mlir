// RUN: dps-opt %s -dps-autodiff -dps-specialize-precision -split-input-file | FileCheck %s
// RUN: dps-opt %s -dps-autodiff -dps-specialize-precision=decode-f8-copies=false -split-input-file | FileCheck %s --check-prefix=SCALED

// bf16: copies and input at bf16, everything computed at bf16 but the loss;
// the gradients written into the rung's bf16 set, which the overflow check
// reads; the f32 rung reads the master weights; refresh rounds them.
// CHECK-LABEL: func.func @t_grad_bf16(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<param_copy>}
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<8x4xbf16> {dps.role = #dps.role<input>}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<8xi32> {dps.role = #dps.role<label>}
// CHECK-SAME: %[[ROWS:[a-z0-9]+]]: index {dps.role = #dps.role<rows>}
// CHECK-SAME: %[[G:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<8xf32> {dps.role = #dps.role<losses>}
// CHECK-SAME: %[[OVF:[a-z0-9]+]]: tensor<1xi32> {dps.role = #dps.role<overflow>})
// CHECK-SAME: -> (tensor<8xf32>, tensor<4x3xbf16>, tensor<1xi32>)
// CHECK-SAME: dps.precision = #dps.precision<bf16>
// CHECK: %[[XS:.*]] = tensor.extract_slice %[[X]][0, 0] [%[[ROWS]], 4] [1, 1] : tensor<8x4xbf16> to tensor<?x4xbf16>
// CHECK: %[[Y:.*]] = dps.dense %[[XS]], %[[W]] : tensor<?x4xbf16>, tensor<4x3xbf16>
// CHECK: %[[T:.*]] = dps.tanh %[[Y]] : tensor<?x3xbf16>
// CHECK: %[[T32:.*]] = dps.cast %[[T]] : tensor<?x3xbf16> to tensor<?x3xf32>
// CHECK: dps.softmax_cross_entropy %[[T32]]
// CHECK: dps.softmax_cross_entropy_grad {{.*}} : tensor<?x3xf32>
// CHECK: dps.tanh_grad {{.*}} : tensor<?x3xbf16>
// CHECK: %[[DW:.*]] = dps.matmul %[[XS]], %{{.*}} transpose_lhs : tensor<?x4xbf16>, tensor<?x3xbf16>
// CHECK: %[[SET:.*]] = bufferization.materialize_in_destination %[[DW]] in %[[G]]
// CHECK: dps.all_finite %[[SET]]
// CHECK: tensor.insert %{{.*}} into %[[OVF]]
// CHECK-LABEL: func.func @t_refresh_bf16(
// CHECK-SAME: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: tensor<4x3xbf16> {dps.role = #dps.role<param_copy>}
// CHECK: dps.cast %{{.*}} : tensor<4x3xf32> to tensor<4x3xbf16>
// CHECK: bufferization.materialize_in_destination
// CHECK-LABEL: func.func @t_grad_f32(
// CHECK-SAME: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-NOT: func.func @t_grad(
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  %t = dps.tanh %y : tensor<?x3xf32>
  return %t : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 8}

// -----

// f16: dynamic loss scaling. The backward pass is seeded with the loss scale
// and each gradient divided by it on its way into the rung's f32 set.
// CHECK-LABEL: func.func @t_grad_f16(
// CHECK-SAME: %[[ROWS:[a-z0-9]+]]: index {dps.role = #dps.role<rows>}
// CHECK-SAME: %[[SCALE:[a-z0-9]+]]: f32 {dps.role = #dps.role<loss_scale>}
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[SCALE]] : f32
// CHECK: %[[SEED:.*]] = linalg.fill ins(%[[SCALE]] : f32) outs(%{{.*}} : tensor<?xf32>)
// CHECK: dps.softmax_cross_entropy_grad %{{.*}}, %{{.*}}, %[[SEED]]
// CHECK: %[[DW:.*]] = dps.cast %{{.*}} scale %[[INV]] : tensor<4x3xf16> to tensor<4x3xf32>
// CHECK: bufferization.materialize_in_destination %[[DW]] in
// The f16 copy saturates instead of overflowing to infinity.
// CHECK-LABEL: func.func @t_refresh_f16(
// CHECK: dps.cast %{{.*}} saturate : tensor<4x3xf32> to tensor<4x3xf16>
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f16]>, batch = 8}

// -----

// f8: copies decoded by the refresh kernel (bf16 holding the f8 values times
// their inverse scales), computation on bf16, and every contraction operand
// not already f8-exact quantised under a per-tensor amax scale: the
// runtime's (amax.scaling) when it has one, else the current one; the
// observed amax is returned for delayed scaling.
// CHECK-LABEL: func.func @t_grad_f8E4M3FN(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<param_copy>}
// CHECK-SAME: tensor<3x2xbf16> {dps.role = #dps.role<param_copy>}
// CHECK-SAME: tensor<8x4xf8E4M3FN> {dps.role = #dps.role<input>}
// The quantised tensors: the ReLU output, the logits' gradient, the ReLU's
// input gradient.
// CHECK-SAME: %[[AMAX:[a-z0-9]+]]: tensor<3xf32> {dps.role = #dps.role<amax>}
// CHECK-SAME: %[[OBSERVED:[a-z0-9]+]]: tensor<3xf32> {dps.role = #dps.role<amax>})
// CHECK: %[[XS:.*]] = dps.cast %{{.*}} : tensor<?x4xf8E4M3FN> to tensor<?x4xbf16>
// The copy is used as it is; the dense layer's input is f8-exact already: no
// quantisation before it.
// CHECK-NEXT: dps.dense %[[XS]], %[[W]] : tensor<?x4xbf16>, tensor<4x3xbf16>
// CHECK: %[[CUR:.*]] = dps.amax %[[R:.*]] : tensor<?x3xbf16>
// CHECK: %[[HIST:.*]] = tensor.extract %[[AMAX]]
// CHECK: arith.select %{{.*}}, %[[HIST]], %[[CUR]] : f32
// CHECK: %[[Q:.*]] = dps.cast %[[R]] scale %{{.*}} saturate : tensor<?x3xbf16> to tensor<?x3xf8E4M3FN>
// CHECK: %[[DQ:.*]] = dps.cast %[[Q]] scale %{{.*}} : tensor<?x3xf8E4M3FN> to tensor<?x3xbf16>
// CHECK: dps.dense %[[DQ]]
// CHECK: tensor.insert %[[CUR]] into %[[OBSERVED]]
// The refresh rounds each master to f8 under its amax scale and decodes it
// with the inverse scale; it returns no scales.
// CHECK-LABEL: func.func @t_refresh_f8E4M3FN(
// CHECK-SAME: -> (tensor<4x3xbf16>, tensor<3x2xbf16>)
// CHECK: dps.amax %{{.*}} : tensor<4x3xf32>
// CHECK: %[[N:.*]] = dps.cast %{{.*}} scale %[[S:.*]] saturate : tensor<4x3xf32> to tensor<4x3xf8E4M3FN>
// CHECK: %[[INV:.*]] = arith.divf %{{.*}}, %[[S]] : f32
// CHECK: dps.cast %[[N]] scale %[[INV]] : tensor<4x3xf8E4M3FN> to tensor<4x3xbf16>
// CHECK-NOT: tensor<1xf32>
// CHECK: return

// decode-f8-copies=false: f8 copies with their inverse scales next to them,
// decoded in the gradient kernel.
// SCALED-LABEL: func.func @t_grad_f8E4M3FN(
// SCALED-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf8E4M3FN> {dps.role = #dps.role<param_copy>}
// SCALED-SAME: tensor<3x2xf8E4M3FN> {dps.role = #dps.role<param_copy>}
// SCALED-SAME: %[[WS:[a-z0-9]+]]: tensor<1xf32> {dps.role = #dps.role<param_copy>}
// SCALED-SAME: tensor<8x4xf8E4M3FN> {dps.role = #dps.role<input>}
// SCALED: %[[INVW:.*]] = tensor.extract %[[WS]]
// SCALED: %[[WB:.*]] = dps.cast %[[W]] scale %[[INVW]] : tensor<4x3xf8E4M3FN> to tensor<4x3xbf16>
// SCALED: %[[XS:.*]] = dps.cast %{{.*}} : tensor<?x4xf8E4M3FN> to tensor<?x4xbf16>
// SCALED-NEXT: dps.dense %[[XS]], %[[WB]] : tensor<?x4xbf16>, tensor<4x3xbf16>
// SCALED-LABEL: func.func @t_refresh_f8E4M3FN(
// SCALED-SAME: -> (tensor<4x3xf8E4M3FN>, tensor<3x2xf8E4M3FN>, tensor<1xf32>, tensor<1xf32>)
// SCALED: dps.amax %{{.*}} : tensor<4x3xf32>
// SCALED: dps.cast %{{.*}} scale %{{.*}} saturate : tensor<4x3xf32> to tensor<4x3xf8E4M3FN>
// SCALED: tensor.insert %{{.*}} into %{{.*}}[%{{.*}}] : tensor<1xf32>
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>},
             %v: tensor<3x2xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x2xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  %r = dps.relu %y : tensor<?x3xf32>
  %z = dps.dense %r, %v : tensor<?x3xf32>, tensor<3x2xf32>
  return %z : tensor<?x2xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f8E4M3FN]>, batch = 8}

// -----

// An op pinned to f32 stays f32 in every rung, backward pass included.
// CHECK-LABEL: func.func @t_grad_bf16(
// CHECK: dps.dense {{.*}} : tensor<?x4xbf16>, tensor<4x3xbf16>
// CHECK: %[[PIN:.*]] = dps.dense %{{.*}}, %{{.*}} {dps.precision = #dps.precision<f32>} : tensor<?x3xf32>, tensor<3x2xf32>
// CHECK: dps.matmul {{.*}} {dps.precision = #dps.precision<f32>} : tensor<?x2xf32>, tensor<3x2xf32>
func.func @f(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>},
             %v: tensor<3x2xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x2xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  %z = dps.dense %y, %v {dps.precision = #dps.precision<f32>} : tensor<?x3xf32>, tensor<3x2xf32>
  return %z : tensor<?x2xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 8}
