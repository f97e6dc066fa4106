// A dps model straight to LLVM IR and to an object file; an already lowered
// module translates as it is.
// RUN: dps-translate --dps-to-llvmir %dps_src_root/examples/mlp.mlir | FileCheck %s --check-prefix=IR
// RUN: dps-opt -dps-lower-to-llvm %dps_src_root/examples/mlp.mlir | dps-translate --dps-to-llvmir | FileCheck %s --check-prefix=IR
// RUN: dps-translate --dps-to-object %dps_src_root/examples/mlp.mlir -o %t.o
// RUN: llvm-nm %t.o | FileCheck %s --check-prefix=OBJ
// RUN: llvm-nm --undefined-only %t.o | FileCheck %s --check-prefix=UNDEF
// For another CPU (--dps-cpu), AMX tiles only where that CPU has them,
// whatever the host has.
// RUN: dps-translate --dps-to-llvmir --dps-cpu=sapphirerapids %dps_src_root/examples/mlp.mlir | FileCheck %s --check-prefix=AMX
// RUN: dps-translate --dps-to-llvmir --dps-cpu=znver4 %dps_src_root/examples/mlp.mlir | FileCheck %s --check-prefix=NOAMX
// RUN: dps-translate --dps-to-llvmir --dps-cpu=sapphirerapids --dps-features=-amx-bf16 %dps_src_root/examples/mlp.mlir | FileCheck %s --check-prefix=NOAMX
// AMX: call x86_amx @llvm.x86.tdpbf16ps.internal
// NOAMX-NOT: x86_amx

// IR-DAG: define void @_mlir_ciface_mlp_train_grad_f32(
// IR-DAG: define void @_mlir_ciface_mlp_train_grad_bf16(
// IR-DAG: define void @_mlir_ciface_mlp_train_grad_f8E4M3FN(
// IR-DAG: define void @_mlir_ciface_mlp_train_update(
// IR-DAG: define void @_mlir_ciface_mlp_train_eval(

// OBJ-DAG: T _mlir_ciface_mlp_train_grad_f32
// OBJ-DAG: T _mlir_ciface_mlp_train_refresh_bf16
// OBJ-DAG: T _mlir_ciface_mlp_train_update

// The object needs only the C library and libm: no MLIR runtime library.
// UNDEF-NOT: mlir
// UNDEF-NOT: memrefCopy
