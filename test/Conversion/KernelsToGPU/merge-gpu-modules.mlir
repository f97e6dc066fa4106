// RUN: dps-opt %s -dps-merge-gpu-modules | FileCheck %s

// Two outlined modules (two launches of one function: the same kernel name)
// become one, the second kernel renamed and its launch re-pointed.
// CHECK: gpu.module @dps_kernels
// CHECK:   gpu.func @f_kernel(
// CHECK:   gpu.func @f_kernel_0(
// CHECK-NOT: gpu.module
// CHECK-LABEL: func.func @f
// CHECK: gpu.launch_func @dps_kernels::@f_kernel blocks
// CHECK: gpu.launch_func @dps_kernels::@f_kernel_0 blocks
module attributes {gpu.container_module} {
  gpu.module @f_kernel {
    gpu.func @f_kernel(%out: memref<f32>) kernel {
      gpu.return
    }
  }
  gpu.module @f_kernel_0 {
    gpu.func @f_kernel(%out: memref<f32>) kernel {
      gpu.return
    }
  }
  func.func @f(%out: memref<f32>) {
    %c1 = arith.constant 1 : index
    gpu.launch_func @f_kernel::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%out : memref<f32>)
    gpu.launch_func @f_kernel_0::@f_kernel blocks in (%c1, %c1, %c1) threads in (%c1, %c1, %c1) args(%out : memref<f32>)
    return
  }
}
