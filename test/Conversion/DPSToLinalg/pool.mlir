// RUN: dps-opt %s -convert-dps-to-linalg -canonicalize -split-input-file | FileCheck %s

// Max pooling pads with -inf and uses linalg's pooling op.
// CHECK-LABEL: func.func @max_pool
// CHECK: %[[NEGINF:.*]] = arith.constant 0xFF800000 : f32
// CHECK: %[[PAD:.*]] = tensor.pad %{{.*}} low[0, 1, 1, 0] high[0, 1, 1, 0]
// CHECK: tensor.yield %[[NEGINF]]
// CHECK: %[[INIT:.*]] = linalg.fill ins(%[[NEGINF]] : f32) outs(%{{.*}} : tensor<?x4x4x2xf32>)
// CHECK: %[[WIN:.*]] = tensor.empty() : tensor<3x3xf32>
// CHECK: linalg.pooling_nhwc_max {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%[[PAD]], %[[WIN]] : tensor<?x6x6x2xf32>, tensor<3x3xf32>) outs(%[[INIT]] : tensor<?x4x4x2xf32>)
func.func @max_pool(%x: tensor<?x4x4x2xf32>) -> tensor<?x4x4x2xf32> {
  %y = dps.max_pool2d %x kernel = [3, 3] padding = [1, 1, 1, 1] : tensor<?x4x4x2xf32>
  return %y : tensor<?x4x4x2xf32>
}

// -----

// Average pooling: a pooled sum divided by the number of input positions of
// each window (computed from the output index when padding is excluded).
// CHECK-LABEL: func.func @avg_pool
// CHECK: %[[SUM:.*]] = linalg.pooling_nhwc_sum {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>}
// CHECK: linalg.generic {{.*}} ins(%[[SUM]] : tensor<2x3x3x2xf32>)
// CHECK: linalg.index 1
// CHECK: linalg.index 2
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: arith.uitofp
// CHECK: arith.divf
func.func @avg_pool(%x: tensor<2x5x5x2xf32>) -> tensor<2x3x3x2xf32> {
  %y = dps.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] : tensor<2x5x5x2xf32>
  return %y : tensor<2x3x3x2xf32>
}

// -----

// With count_include_pad the divisor is the window size.
// CHECK-LABEL: func.func @avg_pool_include_pad
// CHECK: %[[FOUR:.*]] = arith.constant 4.000000e+00 : f32
// CHECK: linalg.pooling_nhwc_sum
// CHECK: linalg.generic
// CHECK-NOT: linalg.index
// CHECK: arith.divf %{{.*}}, %[[FOUR]] : f32
func.func @avg_pool_include_pad(%x: tensor<2x5x5x2xf32>) -> tensor<2x3x3x2xf32> {
  %y = dps.avg_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] {count_include_pad} : tensor<2x5x5x2xf32>
  return %y : tensor<2x3x3x2xf32>
}

// -----

// The max-pool gradient of overlapping windows loops over the pool's
// outputs, finds each window's first maximum (4 reads of a 2x2 window) and
// adds the output gradient there.
// CHECK-LABEL: func.func @max_pool_grad
// CHECK-SAME: (%[[DY:.*]]: tensor<?x3x3x3xf32>, %[[X:.*]]: tensor<?x4x4x3xf32>)
// CHECK: %[[ZERO:.*]] = linalg.fill {{.*}} -> tensor<?x4x4x3xf32>
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %[[ZERO]])
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for {{.*}} iter_args(%[[DX:.*]] = %{{.*}}) -> (tensor<?x4x4x3xf32>)
// CHECK-COUNT-4: tensor.extract %[[X]]
// CHECK: %[[G:.*]] = tensor.extract %[[DY]]
// CHECK: %[[OLD:.*]] = tensor.extract %[[DX]]
// CHECK: %[[NEW:.*]] = arith.addf %[[OLD]], %[[G]]
// CHECK: tensor.insert %[[NEW]] into %[[DX]]
func.func @max_pool_grad(%dy: tensor<?x3x3x3xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32> {
  %d = dps.max_pool2d_grad %dy, %x kernel = [2, 2] : tensor<?x3x3x3xf32>, tensor<?x4x4x3xf32>
  return %d : tensor<?x4x4x3xf32>
}

// -----

// Windows that tile the input exactly (2x2, stride 2): the pool is the
// maximum of its four taps' strided views, elementwise; its gradient one
// elementwise op over the taps and the output gradient whose four results
// -- the gradient where the tap is the window's first maximum, zero
// elsewhere -- go into the taps' views of the input gradient.
// CHECK-LABEL: func.func @max_pool_exact
// CHECK-DAG: %[[T00:.*]] = tensor.extract_slice %[[X:.*]][0, 0, 0, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK-DAG: %[[T11:.*]] = tensor.extract_slice %[[X]][0, 1, 1, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK: linalg.generic {{.*}} ins(%[[T00]], %{{.*}}, %{{.*}}, %[[T11]] : {{.*}})
// CHECK-COUNT-3: arith.maximumf
// CHECK-NOT: arith.maximumf
// CHECK: linalg.yield
// CHECK-NOT: linalg.pooling_nhwc_max
// CHECK-LABEL: func.func @max_pool_grad_exact
// CHECK: %[[SHARES:.*]]:4 = linalg.generic {{.*}} ins({{.*}}, %{{.*}} : {{.*}}, tensor<?x2x2x3xf32>) outs(
// CHECK-COUNT-3: arith.cmpf ogt
// CHECK-COUNT-4: arith.select
// CHECK: linalg.yield
// CHECK: tensor.insert_slice %[[SHARES]]#0 into %{{.*}}[0, 0, 0, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK: tensor.insert_slice %[[SHARES]]#1 into %{{.*}}[0, 0, 1, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK: tensor.insert_slice %[[SHARES]]#2 into %{{.*}}[0, 1, 0, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK: tensor.insert_slice %[[SHARES]]#3 into %{{.*}}[0, 1, 1, 0] [%{{.*}}, 2, 2, 3] [1, 2, 2, 1]
// CHECK-NOT: scf.for
func.func @max_pool_exact(%x: tensor<?x4x4x3xf32>) -> tensor<?x2x2x3xf32> {
  %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 2] : tensor<?x4x4x3xf32>
  return %y : tensor<?x2x2x3xf32>
}
func.func @max_pool_grad_exact(%dy: tensor<?x2x2x3xf32>, %x: tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32> {
  %d = dps.max_pool2d_grad %dy, %x kernel = [2, 2] strides = [2, 2] : tensor<?x2x2x3xf32>, tensor<?x4x4x3xf32>
  return %d : tensor<?x4x4x3xf32>
}

// -----

// The average-pool gradient adds each output gradient / count into every
// position of its window (9 for a 3x3 window).
// CHECK-LABEL: func.func @avg_pool_grad
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: scf.for
// CHECK: arith.divf
// CHECK-COUNT-9: tensor.insert
func.func @avg_pool_grad(%dy: tensor<?x4x4x3xf32>) -> tensor<?x4x4x3xf32> {
  %d = dps.avg_pool2d_grad %dy kernel = [3, 3] padding = [1, 1, 1, 1] : tensor<?x4x4x3xf32> to tensor<?x4x4x3xf32>
  return %d : tensor<?x4x4x3xf32>
}

// -----

// A dilated max pool: linalg's pooling op with the dilations, over the
// padded input.
// CHECK-LABEL: func.func @dilated_max_pool
// CHECK: linalg.pooling_nhwc_max {dilations = dense<2> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%{{.*}}, %{{.*}} : tensor<?x9x9x3xf32>, tensor<2x2xf32>) outs(%{{.*}} : tensor<?x4x4x3xf32>)
func.func @dilated_max_pool(%x: tensor<?x8x8x3xf32>) -> tensor<?x4x4x3xf32> {
  %y = dps.max_pool2d %x kernel = [2, 2] strides = [2, 2] padding = [1, 1, 0, 0] dilations = [2, 2] : tensor<?x8x8x3xf32>
  return %y : tensor<?x4x4x3xf32>
}
