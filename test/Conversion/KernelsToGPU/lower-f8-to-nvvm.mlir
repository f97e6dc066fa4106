// RUN: dps-opt %s -split-input-file -dps-lower-f8-to-nvvm | FileCheck %s

// In GPU code f8 conversions become cvt instructions: f32 -> e4m3 (the value
// in the pair's upper byte, element 1), e4m3 -> f16 -> f32. Host code is
// left alone.
// CHECK-LABEL: func.func @e4m3
// CHECK: gpu.launch
// CHECK:   %[[PAIR:.*]] = nvvm.convert.f32x2.to.f8x2 %{{.*}}, %{{.*}} {rnd = #nvvm.fp_rnd_mode<rn>, sat = #nvvm.sat_mode<satfinite>} : vector<2xi8>(f8E4M3FN)
// CHECK:   %[[BYTE:.*]] = vector.extract %[[PAIR]][1] : i8 from vector<2xi8>
// CHECK:   %[[F8:.*]] = arith.bitcast %[[BYTE]] : i8 to f8E4M3FN
// CHECK:   %[[BITS:.*]] = arith.bitcast %[[F8]] : f8E4M3FN to i8
// CHECK:   %[[IN:.*]] = vector.from_elements %[[BITS]], %{{.*}} : vector<2xi8>
// CHECK:   %[[HALVES:.*]] = nvvm.convert.f8x2.to.f16x2 %[[IN]] : vector<2xi8>(f8E4M3FN) -> vector<2xf16>
// CHECK:   %[[HALF:.*]] = vector.extract %[[HALVES]][0] : f16 from vector<2xf16>
// CHECK:   arith.extf %[[HALF]] : f16 to f32
// CHECK-NOT: arith.truncf {{.*}} to f8E4M3FN
// CHECK: return
// CHECK-LABEL: func.func @host_side
// CHECK: arith.truncf %{{.*}} : f32 to f8E4M3FN
func.func @e4m3(%x: f32, %out: memref<f32>) {
  %c1 = arith.constant 1 : index
  gpu.launch blocks(%bx, %by, %bz) in (%gx = %c1, %gy = %c1, %gz = %c1)
             threads(%tx, %ty, %tz) in (%sx = %c1, %sy = %c1, %sz = %c1) {
    %0 = arith.truncf %x : f32 to f8E4M3FN
    %1 = arith.extf %0 : f8E4M3FN to f32
    memref.store %1, %out[] : memref<f32>
    gpu.terminator
  }
  return
}
func.func @host_side(%x: f32) -> f8E4M3FN {
  %0 = arith.truncf %x : f32 to f8E4M3FN
  return %0 : f8E4M3FN
}

// -----

// f8E5M2 has infinities: saturation would turn one into 57344, so an
// infinite input is mapped to the infinity pattern (0x7C with its sign).
// CHECK-LABEL: gpu.func @e5m2
// CHECK: nvvm.convert.f32x2.to.f8x2 {{.*}} : vector<2xi8>(f8E5M2)
// CHECK: %[[ISINF:.*]] = arith.cmpf oeq, %{{.*}}, %cst{{.*}} : f32
// CHECK: %[[INF:.*]] = arith.ori %{{.*}}, %c124_i8 : i8
// CHECK: arith.select %[[ISINF]], %[[INF]], %{{.*}} : i8
// CHECK: nvvm.convert.f8x2.to.f16x2 {{.*}}(f8E5M2)
gpu.module @kernels {
  gpu.func @e5m2(%x: f32, %out: memref<f32>) kernel {
    %0 = arith.truncf %x : f32 to f8E5M2
    %1 = arith.extf %0 : f8E5M2 to f32
    memref.store %1, %out[] : memref<f32>
    gpu.return
  }
}
