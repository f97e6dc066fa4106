// RUN: dps-opt %s --split-input-file --dps-expand-bf16-casts | FileCheck %s

// A vector truncation f32 -> bf16 becomes integer code: round to nearest
// even (add 0x7FFF plus the kept part's lowest bit, shift right by 16), NaN
// (magnitude bits above inf's) to the quiet NaN 0x7FC0, chosen on the 32-bit
// lanes before they are narrowed (AVX2 has no select of mixed lane widths).
// A widening is a shift left by 16.
// CHECK-LABEL: func.func @casts
// CHECK-SAME: (%[[X:.*]]: vector<16xf32>, %[[Y:.*]]: vector<16xbf16>)
// CHECK-NOT: arith.truncf
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.cmpf
// CHECK-DAG: %[[BIAS:.*]] = arith.constant dense<32767> : vector<16xi32>
// CHECK-DAG: %[[QNAN:.*]] = arith.constant dense<32704> : vector<16xi32>
// CHECK-DAG: %[[INF:.*]] = arith.constant dense<2139095040> : vector<16xi32>
// CHECK-DAG: %[[ABS:.*]] = arith.constant dense<2147483647> : vector<16xi32>
// CHECK: %[[BITS:.*]] = arith.bitcast %[[X]] : vector<16xf32> to vector<16xi32>
// CHECK: %[[LSB:.*]] = arith.andi
// CHECK: %[[B:.*]] = arith.addi %[[LSB]], %[[BIAS]]
// CHECK: %[[SUM:.*]] = arith.addi %[[BITS]], %[[B]]
// CHECK: %[[ROUNDED:.*]] = arith.shrui %[[SUM]]
// CHECK: %[[MAG:.*]] = arith.andi %[[BITS]], %[[ABS]]
// CHECK: %[[NAN:.*]] = arith.cmpi ugt, %[[MAG]], %[[INF]] : vector<16xi32>
// CHECK: %[[SEL:.*]] = arith.select %[[NAN]], %[[QNAN]], %[[ROUNDED]] : vector<16xi1>, vector<16xi32>
// CHECK: %[[NARROW:.*]] = arith.trunci %[[SEL]] : vector<16xi32> to vector<16xi16>
// CHECK: arith.bitcast %[[NARROW]] : vector<16xi16> to vector<16xbf16>
// CHECK: arith.bitcast %[[Y]] : vector<16xbf16> to vector<16xi16>
// CHECK: arith.extui {{.*}} : vector<16xi16> to vector<16xi32>
// CHECK: arith.shli
// CHECK: return
func.func @casts(%x: vector<16xf32>, %y: vector<16xbf16>) -> (vector<16xbf16>, vector<16xf32>) {
  %t = arith.truncf %x : vector<16xf32> to vector<16xbf16>
  %e = arith.extf %y : vector<16xbf16> to vector<16xf32>
  return %t, %e : vector<16xbf16>, vector<16xf32>
}

// The module defines the builtin LLVM calls for truncations it introduces
// itself (weak_odr: kept until code generation), by the same integer code.
// CHECK-LABEL: func.func @__truncsfbf2
// CHECK-SAME: (%{{.*}}: f32) -> bf16 attributes {llvm.linkage = #llvm.linkage<weak_odr>}
// CHECK-NOT: arith.truncf
// CHECK: arith.bitcast {{.*}} : i16 to bf16

// -----

// Arithmetic and math on bf16 run in f32 between the casts (a ReLU's
// maximum is exact); ops on f16, f32 and f64 are left as they are.
// CHECK-LABEL: func.func @arith_and_math
// CHECK-NOT: arith.maximumf {{.*}} : vector<8xbf16>
// CHECK: arith.maximumf {{.*}} : vector<8xf32>
// CHECK-NOT: math.exp {{.*}} : vector<8xbf16>
// CHECK: math.exp {{.*}} : vector<8xf32>
// CHECK: math.cos {{.*}} : f64
// CHECK: math.exp {{.*}} : vector<8xf16>
// CHECK-NOT: arith.truncf
// CHECK: return
// CHECK: func.func @__truncsfbf2(
func.func @arith_and_math(%x: vector<8xbf16>, %d: f64, %h: vector<8xf16>) -> (vector<8xbf16>, vector<8xbf16>, f64, vector<8xf16>) {
  %zero = arith.constant dense<0.0> : vector<8xbf16>
  %r = arith.maximumf %x, %zero : vector<8xbf16>
  %e = math.exp %x : vector<8xbf16>
  %c = math.cos %d : f64
  %eh = math.exp %h : vector<8xf16>
  return %r, %e, %c, %eh : vector<8xbf16>, vector<8xbf16>, f64, vector<8xf16>
}

// -----

// A module that defines __truncsfbf2 already keeps its own.
// CHECK-LABEL: func.func @__truncsfbf2(%{{.*}}: f32) -> bf16 attributes {own}
// CHECK-NOT: func.func @__truncsfbf2
func.func @__truncsfbf2(%x: f32) -> bf16 attributes {own} {
  %t = arith.truncf %x : f32 to bf16
  return %t : bf16
}
