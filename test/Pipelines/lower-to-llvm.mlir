// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | FileCheck %s
// RUN: dps-opt %dps_src_root/examples/cnn.mlir -dps-lower-to-llvm | FileCheck %s --check-prefix=CNN
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm | mlir-translate --mlir-to-llvmir | FileCheck %s --check-prefix=LLVMIR
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm="tile-rows=6 tile-cols=16" | FileCheck %s
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm=native-bf16-casts=true | FileCheck %s --check-prefix=NATIVE
// RUN: dps-opt %dps_src_root/examples/mlp.mlir -dps-lower-to-llvm=native-bf16-casts=false | FileCheck %s --check-prefix=SOFT

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

// With AVX512-BF16 the rungs' bf16 roundings are LLVM fptruncs (one
// vcvtneps2bf16 per vector); without it (native-bf16-casts=false, the
// default on such CPUs), integer code, and the module defines the builtin
// the backend calls for the truncations it introduces itself.
// NATIVE: llvm.fptrunc %{{.*}} : vector<16xf32> to vector<16xbf16>
// NATIVE-NOT: @__truncsfbf2
// SOFT-NOT: llvm.fptrunc {{.*}} to vector<{{.*}}bf16>
// SOFT-NOT: llvm.fptrunc {{.*}} to bf16
// SOFT: llvm.func weak_odr @__truncsfbf2(%{{.*}}: f32) -> bf16
