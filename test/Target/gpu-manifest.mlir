// RUN: dps-translate --dps-to-manifest --dps-gpu %dps_src_root/examples/mlp.mlir | FileCheck %s

// A GPU manifest names the chip and the one module of kernels and, for each
// kernel, the GPU kernels its host function launches, in order, with their
// block and grid sizes (null: depends on the batch's rows). (JSON keys come
// out sorted.)
// CHECK: "gpu": {
// CHECK-NEXT: "chip": "sm_90",
// CHECK-NEXT: "module": "dps_kernels"
// CHECK: "gpu_launches": [
// The bf16 gradient kernel: an overflow flag set by one thread, the bias
// broadcast over the batch (256 threads a block), then the first layer's
// product on tensor cores: 4 warps a block, 256 / 8 = 32 column tiles.
// CHECK: "block": [
// CHECK-NEXT: 1,
// CHECK-NEXT: 1,
// CHECK-NEXT: 1
// CHECK: "kernel": "mlp_train_grad_bf16_kernel"
// CHECK: "block": [
// CHECK-NEXT: 256,
// CHECK: "grid": [
// CHECK-NEXT: null,
// CHECK: "kernel": "mlp_train_grad_bf16_kernel_0"
// CHECK: "block": [
// CHECK-NEXT: 32,
// CHECK-NEXT: 4,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: "grid": [
// CHECK-NEXT: null,
// CHECK-NEXT: 32,
// CHECK-NEXT: 1
// CHECK-NEXT: ],
// CHECK-NEXT: "kernel": "mlp_train_grad_bf16_kernel_1"
// CHECK: "name": "mlp_train_grad_bf16",
// CHECK: "name": "mlp_train_eval",
