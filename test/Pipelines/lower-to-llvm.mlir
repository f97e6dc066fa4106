// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | FileCheck %s
// RUN: dps-opt %dps_src_root/examples/cnn.mlir -dps-lower-to-llvm | FileCheck %s --check-prefix=CNN
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// Only the LLVM dialect is left: every kernel of the train step (a gradient
// kernel per rung, refresh kernels for the low rungs' parameter copies, the
// update and eval kernels), each returning nothing (they write their outputs
// into their buffer arguments) and with a C interface.
// CHECK-NOT: dps.
// CHECK-NOT: func.func
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_grad_bf16(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_refresh_bf16(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_grad_f8E4M3FN(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_refresh_f8E4M3FN(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_grad_f32(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_update(
// CHECK-DAG: llvm.func @_mlir_ciface_mlp_train_eval(
// CHECK-NOT: @mlp(
// CNN-DAG: llvm.func @_mlir_ciface_cnn_train_grad_f32(
// CNN-DAG: llvm.func @_mlir_ciface_cnn_train_grad_f8E4M3FN(
// The C interface takes a pointer to each memref descriptor and the row count.
// LLVMIR: define void @_mlir_ciface_mlp_train_grad_f32(ptr %0, ptr %1, ptr %2, ptr %3, ptr %4, ptr %5, ptr %6, ptr %7, i64 %8, ptr %9, ptr %10, ptr %11, ptr %12, ptr %13, ptr %14, ptr %15)
