// RUN: not dps-translate --dps-to-manifest %s -split-input-file 2>&1 | FileCheck %s

// CHECK: error: no dps.train_step in the module; the manifest describes exactly one
func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// An update kernel's dps.rungs must be a suffix of the ladder, in order, or
// one rung of the ladder repeated (its lanes).
// CHECK: error: 'func.func' op 'dps.rungs' must list the rungs the update reads, a suffix of the ladder [f32, bf16] in its order or one rung of it repeated; got [f32]
func.func @net(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @s {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32, bf16]>, batch = 8}
func.func @s_update(%w: tensor<4x3xf32> {dps.role = #dps.role<param>},
                    %g: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>})
    attributes {dps.kernel = #dps.kernel<update>, dps.train_step = @s,
                dps.rungs = [f32]} {
  return
}

// -----

// CHECK: error: 'func.func' op 'dps.rungs' must list the rungs the update reads, a suffix of the ladder [f32] in its order or one rung of it repeated; got "f32"
func.func @net(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @s {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
func.func @s_update(%w: tensor<4x3xf32> {dps.role = #dps.role<param>},
                    %g: tensor<4x3xf32> {dps.role = #dps.role<grad_acc>})
    attributes {dps.kernel = #dps.kernel<update>, dps.train_step = @s,
                dps.rungs = "f32"} {
  return
}

// -----

// Lanes of a rung the ladder lacks.
// CHECK: error: 'func.func' op 'dps.rungs' must list the rungs the update reads, a suffix of the ladder [f32] in its order or one rung of it repeated; got [bf16, bf16]
func.func @net(%x: tensor<?x4xf32>, %w: tensor<4x3xf32> {dps.param = #dps.init<he_normal>}) -> tensor<?x3xf32> {
  %y = dps.dense %x, %w : tensor<?x4xf32>, tensor<4x3xf32>
  return %y : tensor<?x3xf32>
}
dps.train_step @s {forward = @net, loss = #dps.loss<mse>,
  optimizer = #dps.sgd<lr = 0.1>, schedule = #dps.lr_schedule<constant>,
  ladder = #dps.ladder<[f32]>, batch = 8}
func.func @s_update(%w: tensor<4x3xf32> {dps.role = #dps.role<param>},
                    %g: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>},
                    %h: tensor<4x3xbf16> {dps.role = #dps.role<grad_acc>})
    attributes {dps.kernel = #dps.kernel<update>, dps.train_step = @s,
                dps.rungs = [bf16, bf16]} {
  return
}
