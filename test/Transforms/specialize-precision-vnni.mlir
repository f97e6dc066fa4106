// RUN: dps-opt %s -dps-autodiff -dps-specialize-precision=vnni-copies=true | FileCheck %s
// RUN: dps-opt %s -dps-autodiff -dps-specialize-precision="vnni-copies=true decode-f8-copies=false" | FileCheck %s --check-prefix=SCALED

// The first layer's 4 x 32 weight matrix: its bf16 copies VNNI-packed,
// written packed by the refresh, read through dps.unpack_vnni. The second
// layer's 32 x 3 (columns not a multiple of 16) and the biases stay
// row-major; the f32 rung reads the masters as they are.
// CHECK-LABEL: func.func @t_grad_bf16(
// CHECK-SAME: tensor<2x32x2xbf16> {dps.layout = "vnni", dps.role = #dps.role<param_copy>}
// CHECK: dps.unpack_vnni
// CHECK-LABEL: func.func @t_refresh_bf16(
// CHECK: %[[R:.*]] = dps.cast %{{.*}} : tensor<4x32xf32> to tensor<4x32xbf16>
// CHECK: dps.pack_vnni %[[R]] : tensor<4x32xbf16>
// CHECK-LABEL: func.func @t_grad_f8E4M3FN(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<2x32x2xbf16> {dps.layout = "vnni", dps.role = #dps.role<param_copy>}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<32xbf16> {dps.role = #dps.role<param_copy>}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<32x3xbf16> {dps.role = #dps.role<param_copy>}
// CHECK: %[[U:.*]] = dps.unpack_vnni %[[W]] : tensor<2x32x2xbf16>
// The copy is exact: not rounded to f8 again.
// CHECK-NOT: dps.amax %[[U]]
// CHECK: dps.dense %{{.*}}, %[[U]], %{{.*}} : tensor<?x4xbf16>, tensor<4x32xbf16>, tensor<32xbf16>
// CHECK-LABEL: func.func @t_refresh_f8E4M3FN(
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<4x32xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[C:[a-z0-9]+]]: tensor<2x32x2xbf16> {dps.layout = "vnni", dps.role = #dps.role<param_copy>}
// CHECK-SAME: -> (tensor<2x32x2xbf16>, tensor<32xbf16>, tensor<32x3xbf16>, tensor<3xbf16>)
// CHECK: %[[F8:.*]] = dps.cast %[[M]] scale %{{.*}} saturate : tensor<4x32xf32> to tensor<4x32xf8E4M3FN>
// CHECK: %[[DEC:.*]] = dps.cast %[[F8]] scale %{{.*}} : tensor<4x32xf8E4M3FN> to tensor<4x32xbf16>
// CHECK: %[[P:.*]] = dps.pack_vnni %[[DEC]] : tensor<4x32xbf16>
// CHECK: bufferization.materialize_in_destination %[[P]] in %[[C]]
// CHECK-LABEL: func.func @t_grad_f32(
// CHECK-SAME: tensor<4x32xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-NOT: vnni
// CHECK-LABEL: func.func @t_update(

// f8 copies stored as f8 (with their scales) are not bf16: row-major.
// SCALED-LABEL: func.func @t_grad_bf16(
// SCALED-SAME: tensor<2x32x2xbf16> {dps.layout = "vnni", dps.role = #dps.role<param_copy>}
// SCALED-LABEL: func.func @t_grad_f8E4M3FN(
// SCALED-SAME: tensor<4x32xf8E4M3FN> {dps.role = #dps.role<param_copy>}
func.func @f(%x: tensor<?x4xf32>,
             %w: tensor<4x32xf32> {dps.param = #dps.init<he_normal>},
             %b: tensor<32xf32> {dps.param = #dps.init<zeros>},
             %v: tensor<32x3xf32> {dps.param = #dps.init<he_normal>},
             %c: tensor<3xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x32xf32>, tensor<32xf32>
  %r = dps.relu %y : tensor<?x32xf32>
  %z = dps.dense %r, %v, %c : tensor<?x32xf32>, tensor<32x3xf32>, tensor<3xf32>
  return %z : tensor<?x3xf32>
}
dps.train_step @t {forward = @f, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, batch = 8}
