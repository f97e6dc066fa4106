// RUN: dps-translate --dps-to-ptx %dps_src_root/examples/mlp.mlir -o %t.mlp.ptx
// RUN: FileCheck %s < %t.mlp.ptx
// RUN: grep -c 'mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32' %t.mlp.ptx | FileCheck %s --check-prefix=MLP-MMA
// RUN: dps-translate --dps-to-ptx %dps_src_root/examples/cnn.mlir -o %t.cnn.ptx
// RUN: FileCheck %s --check-prefix=CNN < %t.cnn.ptx
// RUN: grep -c 'mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32' %t.cnn.ptx | FileCheck %s --check-prefix=CNN-MMA
// RUN: dps-opt %dps_src_root/examples/mlp.mlir --dps-lower-to-nvvm | FileCheck %s --check-prefix=HOST

// The MLP's kernels for sm_90 in one PTX module, calling nothing (no
// libdevice needed): f8E4M3FN values encoded and decoded by cvt, and every
// bf16 contraction of the bf16 and f8 rungs (3 forward, 2 input-gradient and
// 3 weight-gradient products each: 16) on tensor cores.
// CHECK: .version 8.0
// CHECK: .target sm_90
// CHECK-NOT: .extern
// CHECK-NOT: call
// CHECK-DAG: .entry mlp_train_grad_bf16_kernel(
// CHECK-DAG: .entry mlp_train_grad_f8E4M3FN_kernel(
// CHECK-DAG: .entry mlp_train_refresh_f8E4M3FN_kernel(
// CHECK-DAG: .entry mlp_train_update_kernel(
// CHECK-DAG: .entry mlp_train_eval_kernel(
// CHECK-DAG: cvt.rn.satfinite.e4m3x2.f32
// CHECK-DAG: cvt.rn.f16x2.e4m3x2
// MLP-MMA: {{^}}16{{$}}

// The convolutional example: its convolutions are im2col contractions on the same path (two
// convolutions and two dense layers, each with its gradient products).
// CNN: .target sm_90
// CNN-NOT: .extern
// CNN-NOT: call
// CNN-DAG: cvt.rn.satfinite.e4m3x2.f32
// CNN-DAG: cvt.rn.f16x2.e4m3x2
// CNN-MMA: {{^}}22{{$}}

// Host side: each kernel is a function (with its C interface) that
// allocates device buffers and launches the kernels of one gpu.binary.
// HOST: llvm.func @mlp_train_grad_bf16(
// HOST: gpu.launch_func <%{{.*}} : !llvm.ptr> @dps_kernels::@mlp_train_grad_bf16_kernel blocks
// HOST: llvm.func @_mlir_ciface_mlp_train_grad_bf16(
// HOST: gpu.binary @dps_kernels [#gpu.object<#nvvm.target<O = 3, chip = "sm_90", features = "+ptx80">
