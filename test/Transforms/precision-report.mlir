// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-autodiff -dps-specialize-precision -dps-precision-report -o /dev/null | FileCheck %s
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-autodiff -dps-specialize-precision -dps-precision-report="output=%t" -o /dev/null
// RUN: FileCheck %s < %t

// CHECK: kernel mlp_train_grad_bf16 (grad, bf16)
// CHECK-NEXT: bf16 dps.all_finite x6, dps.dense x3, dps.matmul x5, dps.relu x2, dps.relu_grad x2, dps.sum_rows x3
// CHECK-NEXT: f32 dps.softmax_cross_entropy x1, dps.softmax_cross_entropy_grad x1
// CHECK-NEXT: cast bf16 -> f32 x2
// CHECK: kernel mlp_train_grad_f8E4M3FN (grad, f8E4M3FN)
// CHECK: cast bf16 -> f8E4M3FN scaled saturating x5 (into dps.cast x5)
// CHECK: kernel mlp_train_grad_f32 (grad, f32)
// CHECK-NEXT: f32 dps.dense x3, dps.matmul x5
// CHECK-NOT: cast
// CHECK: kernel mlp_train_update (update, f32)
