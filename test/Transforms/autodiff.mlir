// RUN: dps-opt %s -dps-autodiff -split-input-file | FileCheck %s

// The MLP's gradient kernel: forward on the valid rows, the loss, the
// backward pass layer by layer, gradients written into the gradient set.

// CHECK-LABEL: func.func @mlp_train_grad(
// CHECK-SAME: %[[W1:.*]]: tensor<784x256xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[B1:.*]]: tensor<256xf32> {dps.param = #dps.init<zeros>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[W2:.*]]: tensor<256x10xf32> {dps.param = #dps.init<he_normal>, dps.role = #dps.role<param>}
// CHECK-SAME: %[[X:.*]]: tensor<128x784xf32> {dps.role = #dps.role<input>}
// CHECK-SAME: %[[L:.*]]: tensor<128xi32> {dps.role = #dps.role<label>}
// CHECK-SAME: %[[ROWS:.*]]: index {dps.role = #dps.role<rows>}
// CHECK-SAME: %[[GW1:.*]]: tensor<784x256xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[GB1:.*]]: tensor<256xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[GW2:.*]]: tensor<256x10xf32> {dps.role = #dps.role<grad_acc>}
// CHECK-SAME: %[[LOSSES:.*]]: tensor<128xf32> {dps.role = #dps.role<losses>})
// CHECK-SAME: -> (tensor<128xf32>, tensor<784x256xf32>, tensor<256xf32>, tensor<256x10xf32>)
// CHECK-SAME: attributes {dps.kernel = #dps.kernel<grad>, dps.precision = #dps.precision<f32>, dps.train_step = @mlp_train}
// CHECK: %[[XS:.*]] = tensor.extract_slice %[[X]][0, 0] [%[[ROWS]], 784] [1, 1]
// CHECK: %[[H:.*]] = dps.dense %[[XS]], %[[W1]], %[[B1]]
// CHECK: %[[A:.*]] = dps.relu %[[H]]
// CHECK: %[[LOGITS:.*]] = dps.dense %[[A]], %[[W2]] :
// CHECK: %[[LS:.*]] = tensor.extract_slice %[[L]][0] [%[[ROWS]]] [1]
// CHECK: %[[LOSS:.*]] = dps.softmax_cross_entropy %[[LOGITS]], %[[LS]]
// CHECK: %[[SEED:.*]] = linalg.fill {{.*}} -> tensor<?xf32>
// CHECK: %[[DLOGITS:.*]] = dps.softmax_cross_entropy_grad %[[LOGITS]], %[[LS]], %[[SEED]]
// CHECK: %[[DA:.*]] = dps.matmul %[[DLOGITS]], %[[W2]] transpose_rhs
// CHECK: %[[DW2:.*]] = dps.matmul %[[A]], %[[DLOGITS]] transpose_lhs
// CHECK: %[[DH:.*]] = dps.relu_grad %[[DA]], %[[H]]
// The first layer's input gradient is not needed: no matmul of DH with W1.
// CHECK-NOT: dps.matmul %[[DH]], %[[W1]]
// CHECK: %[[DW1:.*]] = dps.matmul %[[XS]], %[[DH]] transpose_lhs
// CHECK: %[[DB1:.*]] = dps.sum_rows %[[DH]]
// CHECK: %[[ZEROED:.*]] = linalg.fill {{.*}} outs(%[[LOSSES]] : tensor<128xf32>)
// CHECK: %[[OUT:.*]] = tensor.insert_slice %[[LOSS]] into %[[ZEROED]][0] [%[[ROWS]]] [1]
// CHECK: %[[NW1:.*]] = bufferization.materialize_in_destination %[[DW1]] in %[[GW1]]
// CHECK: %[[NB1:.*]] = bufferization.materialize_in_destination %[[DB1]] in %[[GB1]]
// CHECK: %[[NW2:.*]] = bufferization.materialize_in_destination %[[DW2]] in %[[GW2]]
// CHECK: return %[[OUT]], %[[NW1]], %[[NB1]], %[[NW2]]
func.func @mlp(%x: tensor<?x784xf32>,
               %w1: tensor<784x256xf32> {dps.param = #dps.init<he_normal>},
               %b1: tensor<256xf32> {dps.param = #dps.init<zeros>},
               %w2: tensor<256x10xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x10xf32> {
  %h = dps.dense %x, %w1, %b1 : tensor<?x784xf32>, tensor<784x256xf32>, tensor<256xf32>
  %a = dps.relu %h : tensor<?x256xf32>
  %y = dps.dense %a, %w2 : tensor<?x256xf32>, tensor<256x10xf32>
  return %y : tensor<?x10xf32>
}
dps.train_step @mlp_train {forward = @mlp, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05, momentum = 0.9>, schedule = #dps.lr_schedule<cosine>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 128}

// -----

// A value used twice: the gradients of both uses are added. MSE labels are
// float targets of the output's shape.
// CHECK-LABEL: func.func @twice_train_grad(
// CHECK-SAME: tensor<16x3xf32> {dps.role = #dps.role<label>}
// CHECK: %[[T:.*]] = dps.tanh
// CHECK: %[[S:.*]] = dps.add %[[T]], %[[T]]
// CHECK: dps.mse_grad
// CHECK: %[[D:.*]] = dps.tanh_grad
// CHECK: %[[D2:.*]] = dps.add %[[G:.*]], %[[G]]
// CHECK-NEXT: dps.tanh_grad %[[D2]], %[[T]]
func.func @twice(%x: tensor<?x3xf32>, %w: tensor<3x3xf32> {dps.param = #dps.init<glorot_normal>}) -> tensor<?x3xf32> {
  %h = dps.dense %x, %w : tensor<?x3xf32>, tensor<3x3xf32>
  %t = dps.tanh %h : tensor<?x3xf32>
  %s = dps.add %t, %t : tensor<?x3xf32>
  %u = dps.tanh %s : tensor<?x3xf32>
  return %u : tensor<?x3xf32>
}
dps.train_step @twice_train {forward = @twice, loss = #dps.loss<mse>,
  optimizer = #dps.adam<lr = 0.001>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 16}

// -----

// The CNN: convolution gradients through im2col, matmuls and col2im, pool
// gradients, flatten's gradient a reshape.
// CHECK-LABEL: func.func @cnn_train_grad(
// CHECK: dps.softmax_cross_entropy_grad
// CHECK: %[[DFLAT:.*]] = dps.matmul {{.*}} transpose_rhs : tensor<?x10xf32>, tensor<392x10xf32>
// CHECK: dps.reshape %[[DFLAT]] : tensor<?x392xf32> to tensor<?x7x7x8xf32>
// CHECK: dps.max_pool2d_grad {{.*}} kernel = [2, 2] strides = [2, 2] : tensor<?x7x7x8xf32>, tensor<?x14x14x8xf32>
// CHECK: dps.relu_grad
// CHECK: %[[ROWS:.*]] = dps.reshape {{.*}} : tensor<?x14x14x8xf32> to tensor<?x8xf32>
// CHECK: %[[COLS:.*]] = dps.im2col {{.*}} kernel = [3, 3] strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>
// CHECK: %[[DF:.*]] = dps.matmul %[[COLS]], %[[ROWS]] transpose_lhs : tensor<?x9xf32>, tensor<?x8xf32>
// CHECK: dps.reshape %[[DF]] : tensor<9x8xf32> to tensor<3x3x1x8xf32>
// CHECK: dps.sum_rows %[[ROWS]]
// The input image needs no gradient: no col2im.
// CHECK-NOT: dps.col2im
func.func @cnn(%x: tensor<?x28x28x1xf32>,
               %f: tensor<3x3x1x8xf32> {dps.param = #dps.init<he_normal>},
               %c: tensor<8xf32> {dps.param = #dps.init<zeros>},
               %w: tensor<392x10xf32> {dps.param = #dps.init<glorot_uniform>}) -> tensor<?x10xf32> {
  %y = dps.conv2d %x, %f, %c strides = [2, 2] padding = [1, 1, 1, 1] : tensor<?x28x28x1xf32>, tensor<3x3x1x8xf32>, tensor<8xf32>
  %r = dps.relu %y : tensor<?x14x14x8xf32>
  %p = dps.max_pool2d %r kernel = [2, 2] strides = [2, 2] : tensor<?x14x14x8xf32>
  %flat = dps.flatten %p : tensor<?x7x7x8xf32>
  %logits = dps.dense %flat, %w : tensor<?x392xf32>, tensor<392x10xf32>
  return %logits : tensor<?x10xf32>
}
dps.train_step @cnn_train {forward = @cnn, loss = #dps.loss<softmax_cross_entropy>,
  optimizer = #dps.sgd<lr = 0.05>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 32}
