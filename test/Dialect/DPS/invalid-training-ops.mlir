// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @state_count(%w: tensor<4xf32>, %g: tensor<4xf32>, %lr: f32, %t: i64, %s: f32) {
  // expected-error @+1 {{'dps.optimizer_step' op #dps.adam<lr = 1.000000e-03> keeps 2 state tensor(s) per parameter, got 0}}
  %w1 = dps.optimizer_step %w, %g lr %lr step %t scale %s using(#dps.adam<lr = 0.001>) : tensor<4xf32>
  return
}

// -----

func.func @state_type(%w: tensor<4xf32>, %g: tensor<4xf32>, %m: tensor<5xf32>, %lr: f32, %t: i64, %s: f32) {
  // expected-error @+1 {{'dps.optimizer_step' op optimizer state of type 'tensor<5xf32>' differs from the parameter's 'tensor<4xf32>'}}
  %w1, %m1 = dps.optimizer_step %w, %g state(%m : tensor<5xf32>) lr %lr step %t scale %s using(#dps.sgd<lr = 0.1, momentum = 0.9>) : tensor<4xf32>
  return
}

// -----

func.func @low_precision_master(%w: tensor<4xbf16>, %g: tensor<4xbf16>, %lr: f32, %t: i64, %s: f32) {
  // expected-error @+1 {{'dps.optimizer_step' op updates f32 master weights, got 'tensor<4xbf16>'}}
  %w1 = dps.optimizer_step %w, %g lr %lr step %t scale %s using(#dps.sgd<lr = 0.1>) : tensor<4xbf16>
  return
}

// -----

func.func @not_an_optimizer(%w: tensor<4xf32>, %g: tensor<4xf32>, %lr: f32, %t: i64, %s: f32) {
  // expected-error @+1 {{custom op 'dps.optimizer_step' invalid kind of attribute specified}}
  %w1 = dps.optimizer_step %w, %g lr %lr step %t scale %s using(#dps.lr_schedule<cosine>) : tensor<4xf32>
  return
}

// -----

func.func @argmax_rank(%x: tensor<10xf32>) {
  // expected-error @+1 {{'dps.argmax' op expects a rank-2 input}}
  %p = dps.argmax %x : tensor<10xf32>
  return
}

// -----

func.func @pack_odd_rows(%w: tensor<5x16xbf16>) {
  // expected-error @+1 {{'dps.pack_vnni' op packs rows in pairs: 'tensor<5x16xbf16>' has an odd number of rows}}
  %p = dps.pack_vnni %w : tensor<5x16xbf16>
  return
}

// -----

func.func @unpack_not_pairs(%p: tensor<4x16x3xbf16>) {
  // expected-error @+1 {{'dps.unpack_vnni' op expects a K/2 x N x 2 tensor, got 'tensor<4x16x3xbf16>'}}
  %w = dps.unpack_vnni %p : tensor<4x16x3xbf16>
  return
}

// -----

func.func @pack_vector(%w: tensor<16xbf16>) {
  // expected-error @+1 {{'dps.pack_vnni' op expects a matrix, got 'tensor<16xbf16>'}}
  %p = dps.pack_vnni %w : tensor<16xbf16>
  return
}
