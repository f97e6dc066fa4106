// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | FileCheck %s
// RUN: dps-opt %dps_src_root/examples/cnn.mlir -dps-lower-to-llvm | FileCheck %s --check-prefix=CNN
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR

// Only the LLVM dialect is left: the gradient kernel, which returns nothing
// (it writes its outputs into its buffer arguments), and its C interface.
// CHECK-NOT: dps.
// CHECK-NOT: func.func
// CHECK: llvm.func @mlp_train_grad(
// CHECK-NOT: -> !llvm
// CHECK-SAME: {
// CHECK: llvm.func @_mlir_ciface_mlp_train_grad(
// CHECK-NOT: @mlp(
// CNN: llvm.func @cnn_train_grad(
// CNN: llvm.func @_mlir_ciface_cnn_train_grad(
// The C interface takes a pointer to each memref descriptor and the row count.
// LLVMIR: define void @_mlir_ciface_mlp_train_grad(ptr %0, ptr %1, ptr %2, ptr %3, ptr %4, ptr %5, ptr %6, ptr %7, i64 %8, ptr %9, ptr %10, ptr %11, ptr %12, ptr %13, ptr %14, ptr %15)
