// RUN: dps-opt %s -dps-autodiff -split-input-file | FileCheck %s
// RUN: dps-opt %s -dps-autodiff=update-variants=false -split-input-file | FileCheck %s --check-prefix=WHOLE
// RUN: dps-opt %s -dps-autodiff=lanes=1 -split-input-file | FileCheck %s --check-prefix=NOLANES

// SGD with momentum: one momentum buffer per parameter; the gradient set
// holds a sum over `rows` samples, scaled by 1 / rows; the set is only read.
// CHECK-LABEL: func.func @mlp_train_update(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[B:[a-z0-9]+]]: tensor<3xf32> {dps.param = #dps.init<zeros>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[MW:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<opt_state>}
// CHECK-SAME: %[[MB:[a-z0-9]+]]: tensor<3xf32> {dps.role = #dps.role<opt_state>}
// CHECK-SAME: %[[GW:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[GB:[a-z0-9]+]]: tensor<3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[ROWS:[a-z0-9]+]]: index {dps.role = #dps.role<rows>}
// CHECK-SAME: %[[STEP:[a-z0-9]+]]: i64 {dps.role = #dps.role<step>}
// CHECK-SAME: %[[TOTAL:[a-z0-9]+]]: i64 {dps.role = #dps.role<total_steps>})
// CHECK-SAME: -> (tensor<4x3xf32>, tensor<3xf32>, tensor<4x3xf32>, tensor<3xf32>)
// CHECK-SAME: attributes {dps.kernel = #dps.kernel<update>, dps.precision = #dps.precision<f32>, dps.rungs = [f32], dps.train_step = @mlp_train}
// CHECK: %[[N:.*]] = arith.index_castui %[[ROWS]] : index to i64
// CHECK: %[[NF:.*]] = arith.uitofp %[[N]] : i64 to f32
// CHECK: %[[SCALE:.*]] = arith.divf
// CHECK: %[[LR:.*]] = dps.learning_rate %[[STEP]], %[[TOTAL]] schedule <cosine> base 5.000000e-02
// CHECK: %[[W1:.*]], %[[MW1:.*]] = dps.optimizer_step %[[W]], %[[GW]] state(%[[MW]] : tensor<4x3xf32>) lr %[[LR]] step %[[STEP]] scale %[[SCALE]] using(#dps.sgd<lr = 5.000000e-02, momentum = 9.000000e-01>)
// CHECK: %[[B1:.*]], %[[MB1:.*]] = dps.optimizer_step %[[B]], %[[GB]] state(%[[MB]] : tensor<3xf32>)
// CHECK-NOT: linalg.fill
// CHECK: return %[[W1]], %[[B1]], %[[MW1]], %[[MB1]] :

// The eval kernel: the forward pass and loss on the valid rows, and argmax
// predictions, both zero past the valid rows.
// CHECK-LABEL: func.func @mlp_train_eval(
// CHECK-SAME: %{{.*}}: tensor<16x4xf32> {dps.role = #dps.role<input>}
// CHECK-SAME: %{{.*}}: tensor<16xi32> {dps.role = #dps.role<label>}
// CHECK-SAME: %[[ROWS:[a-z0-9]+]]: index {dps.role = #dps.role<rows>}
// CHECK-SAME: %[[LOSSES:[a-z0-9]+]]: tensor<16xf32> {dps.role = #dps.role<losses>}
// CHECK-SAME: %[[PRED:[a-z0-9]+]]: tensor<16xi32> {dps.role = #dps.role<predictions>})
// CHECK-SAME: -> (tensor<16xf32>, tensor<16xi32>)
// CHECK-SAME: attributes {dps.kernel = #dps.kernel<eval>
// CHECK: %[[LOGITS:.*]] = dps.dense
// CHECK: %[[L:.*]] = dps.softmax_cross_entropy %[[LOGITS]]
// CHECK: %[[P:.*]] = dps.argmax %[[LOGITS]] : tensor<?x3xf32>
// CHECK: linalg.fill {{.*}} outs(%[[LOSSES]] : tensor<16xf32>)
// CHECK: tensor.insert_slice %[[L]]
// CHECK: %[[ZERO:.*]] = arith.constant 0 : i32
// CHECK: linalg.fill ins(%[[ZERO]] : i32) outs(%[[PRED]] : tensor<16xi32>)
// CHECK: tensor.insert_slice %[[P]]
func.func @mlp(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>},
               %b: tensor<3xf32> {dps.param = #dps.init<zeros>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w, %b : tensor<?x4xf32>, tensor<4x3xf32>, tensor<3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @mlp_train {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>, schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32]>, batch = 16}

// -----

// Adam keeps two moments per parameter, consecutive; plain SGD none.
// CHECK-LABEL: func.func @sgd_update(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[G:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK: dps.optimizer_step %[[W]], %[[G]] lr
// CHECK-LABEL: func.func @adam_update(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<opt_state>}
// CHECK-SAME: %[[V:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<opt_state>}
// CHECK-SAME: %[[G:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK: dps.learning_rate %{{.*}}, %{{.*}} schedule <step, period = 5.000000e-01, gamma = 1.000000e-01> base 1.000000e-03
// CHECK: dps.optimizer_step %[[W]], %[[G]] state(%[[M]], %[[V]] : tensor<4x3xf32>, tensor<4x3xf32>)
func.func @net(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @sgd {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
dps.train_step @adam {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.adam<lr = 1.0e-3>, schedule = #dps.lr_schedule<step, period = 0.5, gamma = 0.1>,
  ladder = #dps.ladder<[f32]>, batch = 8}

// -----

// A ladder of three rungs: one gradient set per rung at its gradient type
// (bf16 for bf16 and f8 rungs; each gradient kernel overwrites its own, so
// rungs can run at the same time), summed in f32 in ladder order for the
// step; the sets are only read.
// CHECK-LABEL: func.func @ladder_update(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[G0:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[G1:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[G2:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %{{[a-z0-9]+}}: index {dps.role = #dps.role<rows>}
// CHECK-SAME: -> tensor<4x3xf32>
// CHECK-SAME: dps.rungs = [f32, bf16, f8E4M3FN]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G0]], %[[G1]], %[[G2]] : {{.*}}) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: bf16, %[[C:.*]]: bf16, %{{.*}}: f32):
// CHECK-NEXT: %[[B32:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: %[[AB:.*]] = arith.addf %[[A]], %[[B32]] : f32
// CHECK-NEXT: %[[C32:.*]] = arith.extf %[[C]] : bf16 to f32
// CHECK-NEXT: %[[ABC:.*]] = arith.addf %[[AB]], %[[C32]] : f32
// CHECK-NEXT: linalg.yield %[[ABC]]
// CHECK: %[[W1:.*]] = dps.optimizer_step %[[W]], %[[SUM]] lr
// CHECK-NOT: linalg.fill
// CHECK: return %[[W1]] :

// The same step for the rungs from bf16 down: the f32 set is not read, and
// the sum starts at +0.0, which is what @ladder_update adds when the f32
// set is zero (+0.0 + b is b but for b = -0.0), so the two agree bitwise.
// CHECK-LABEL: func.func @ladder_update_from_bf16(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[G1:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[G2:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %{{[a-z0-9]+}}: index {dps.role = #dps.role<rows>}
// CHECK-SAME: dps.kernel = #dps.kernel<update>
// CHECK-SAME: dps.rungs = [bf16, f8E4M3FN]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G1]], %[[G2]] : {{.*}}) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[B:.*]]: bf16, %[[C:.*]]: bf16, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[B32:.*]] = arith.extf %[[B]] : bf16 to f32
// CHECK-NEXT: %[[B0:.*]] = arith.addf %[[ZERO]], %[[B32]] : f32
// CHECK-NEXT: %[[C32:.*]] = arith.extf %[[C]] : bf16 to f32
// CHECK-NEXT: %[[BC:.*]] = arith.addf %[[B0]], %[[C32]] : f32
// CHECK-NEXT: linalg.yield %[[BC]]
// CHECK: dps.optimizer_step %[[W]], %[[SUM]] lr
// CHECK-LABEL: func.func @ladder_update_from_f8E4M3FN(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[G2:[a-z0-9]+]]: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %{{[a-z0-9]+}}: index {dps.role = #dps.role<rows>}
// CHECK-SAME: dps.rungs = [f8E4M3FN]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[G2]] : {{.*}}) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[C:.*]]: bf16, %{{.*}}: f32):
// CHECK-NEXT: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NEXT: %[[C32:.*]] = arith.extf %[[C]] : bf16 to f32
// CHECK-NEXT: %[[C0:.*]] = arith.addf %[[ZERO]], %[[C32]] : f32
// CHECK-NEXT: linalg.yield %[[C0]]
// CHECK: dps.optimizer_step %[[W]], %[[SUM]] lr

// The top rung's two lanes: a step whose only rung is f32 computes its rows
// in two calls, each into a set of its own; the update adds the two.
// CHECK-LABEL: func.func @ladder_update_lanes_f32(
// CHECK-SAME: %[[W:[a-z0-9]+]]: tensor<4x3xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[L0:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[L1:[a-z0-9]+]]: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %{{[a-z0-9]+}}: index {dps.role = #dps.role<rows>}
// CHECK-SAME: dps.rungs = [f32, f32]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} ins(%[[L0]], %[[L1]] : {{.*}}) outs(%{{.*}} : tensor<4x3xf32>)
// CHECK-NEXT: ^bb0(%[[A:.*]]: f32, %[[B:.*]]: f32, %{{.*}}: f32):
// CHECK-NEXT: %[[AB:.*]] = arith.addf %[[A]], %[[B]] : f32
// CHECK-NEXT: linalg.yield %[[AB]]
// CHECK: dps.optimizer_step %[[W]], %[[SUM]] lr
// CHECK-LABEL: func.func @ladder_eval(

// Without update-variants, only the whole ladder's update (and the top
// rung's lanes'); with lanes=1, no lanes' update.
// WHOLE-LABEL: func.func @ladder_update(
// WHOLE-NOT: func.func @ladder_update_from
// WHOLE: func.func @ladder_update_lanes_f32(
// WHOLE-NOT: func.func @ladder_update_from
// WHOLE: func.func @ladder_eval(
// NOLANES-NOT: update_lanes
func.func @net(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @ladder {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16, f8E4M3FN]>, batch = 8}
