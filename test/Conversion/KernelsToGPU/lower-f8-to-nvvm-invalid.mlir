// RUN: dps-opt %s -dps-lower-f8-to-nvvm=chip=sm_80 -verify-diagnostics

// cvt to and from e4m3 needs sm_89 (Ada) or newer.
gpu.module @kernels {
  gpu.func @f(%x: f32, %out: memref<f8E4M3FN>) kernel {
    // expected-error @below {{f8 conversions on the GPU need sm_89 or newer (chip is 'sm_80')}}
    %0 = arith.truncf %x : f32 to f8E4M3FN
    memref.store %0, %out[] : memref<f8E4M3FN>
    gpu.return
  }
}
