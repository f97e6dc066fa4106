// RUN: dps-opt %s -split-input-file -dps-map-kernels-to-gpu -canonicalize -cse | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// An elementwise op over a dynamic batch: one thread per element, 256 a
// block, the flattened index split back into (row, column); its buffer is
// device memory.
// CHECK-LABEL: func.func @elementwise
// CHECK-SAME: (%[[X:.*]]: memref<?x100xf32>, %[[ROWS:.*]]: index, %[[OUT:.*]]: memref<?x100xf32>)
// CHECK: %[[TMP:.*]] = gpu.alloc (%[[ROWS]]) : memref<?x100xf32>
// CHECK: %[[TOTAL:.*]] = arith.muli %{{.*}}, %c100
// CHECK: %[[BLOCKS:.*]] = arith.ceildivui %[[TOTAL]], %c256
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in ({{.*}} = %[[BLOCKS]], {{.*}} = %c1, {{.*}} = %c1) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   %[[BASE:.*]] = arith.muli %[[BX]], %c256
// CHECK:   %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK:   %[[LIVE:.*]] = arith.cmpi ult, %[[ID]], %[[TOTAL]]
// CHECK:   scf.if %[[LIVE]]
// CHECK:     %[[J:.*]] = arith.remui %[[ID]], %c100
// CHECK:     %[[I:.*]] = arith.divui %[[ID]], %c100
// CHECK:     memref.load %[[X]][%[[I]], %[[J]]]
// CHECK:     memref.store %{{.*}}, %[[TMP]][%[[I]], %[[J]]]
// CHECK: gpu.launch
// CHECK: gpu.dealloc %[[TMP]]
func.func @elementwise(%x: memref<?x100xf32>, %rows: index, %out: memref<?x100xf32>) {
  %tmp = memref.alloc(%rows) : memref<?x100xf32>
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<?x100xf32>) outs(%tmp : memref<?x100xf32>) {
  ^bb0(%in: f32, %o: f32):
    %0 = math.absf %in : f32
    linalg.yield %0 : f32
  }
  linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%tmp : memref<?x100xf32>) outs(%out : memref<?x100xf32>) {
  ^bb0(%in: f32, %o: f32):
    %0 = arith.addf %in, %o : f32
    linalg.yield %0 : f32
  }
  memref.dealloc %tmp : memref<?x100xf32>
  return
}

// -----

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d1)>

// A bias gradient (a sum over the batch rows, the reduction dimension
// first): the loops are interchanged, one thread per column, each summing
// its column over the rows in order.
// CHECK-LABEL: func.func @column_sums
// CHECK: gpu.launch {{.*}} in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c64, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   scf.if
// CHECK:     scf.for %[[ROW:.*]] = %c0 to %{{.*}} step %c1
// CHECK:       memref.load %{{.*}}[%[[ROW]], %{{.*}}] : memref<?x64xf32>
// CHECK-NOT: gpu.launch
func.func @column_sums(%g: memref<?x64xf32>, %sum: memref<64xf32>) {
  linalg.generic {indexing_maps = [#id, #col], iterator_types = ["reduction", "parallel"]}
      ins(%g : memref<?x64xf32>) outs(%sum : memref<64xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %0 = arith.addf %in, %acc : f32
    linalg.yield %0 : f32
  }
  return
}

// -----

#all = affine_map<(d0) -> (d0)>
#none = affine_map<(d0) -> ()>

// A full reduction (amax) runs in a single-thread launch; the scale computed
// from it on the device reaches the next launch through a one-element
// buffer; the splat initial value is filled on the device.
// CHECK-LABEL: func.func @amax_then_scale
// CHECK-SAME: (%[[W:.*]]: memref<256xf32>, %[[OUT:.*]]: memref<256xf32>)
// CHECK: %[[SPILL:.*]] = gpu.alloc () : memref<f32>
// CHECK: %[[INIT:.*]] = gpu.alloc () : memref<f32>
// CHECK: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   memref.store %{{.*}}, %[[INIT]][]
// CHECK: %[[ACC:.*]] = gpu.alloc () : memref<f32>
// CHECK: gpu.launch {{.*}} in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   %[[ZERO:.*]] = memref.load %[[INIT]][]
// CHECK:   memref.store %[[ZERO]], %[[ACC]][]
// CHECK:   scf.for
// CHECK:   }
// CHECK:   %[[MAX:.*]] = memref.load %[[ACC]][]
// CHECK:   %[[SCALE:.*]] = arith.divf %{{.*}}, %[[MAX]]
// CHECK:   memref.store %[[SCALE]], %[[SPILL]][]
// CHECK: gpu.launch {{.*}} threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   %[[S:.*]] = memref.load %[[SPILL]][]
// CHECK:   arith.mulf %{{.*}}, %[[S]]
// CHECK: gpu.dealloc %[[ACC]]
// CHECK: gpu.dealloc %[[INIT]]
// CHECK: gpu.dealloc %[[SPILL]]
memref.global "private" constant @zero : memref<f32> = dense<0.0>
func.func @amax_then_scale(%w: memref<256xf32>, %out: memref<256xf32>) {
  %init = memref.get_global @zero : memref<f32>
  %acc = memref.alloc() : memref<f32>
  memref.copy %init, %acc : memref<f32> to memref<f32>
  linalg.generic {indexing_maps = [#all, #none], iterator_types = ["reduction"]}
      ins(%w : memref<256xf32>) outs(%acc : memref<f32>) {
  ^bb0(%in: f32, %a: f32):
    %0 = math.absf %in : f32
    %1 = arith.maximumf %0, %a : f32
    linalg.yield %1 : f32
  }
  %max = memref.load %acc[] : memref<f32>
  %c448 = arith.constant 448.0 : f32
  %scale = arith.divf %c448, %max : f32
  linalg.generic {indexing_maps = [#all, #all], iterator_types = ["parallel"]}
      ins(%w : memref<256xf32>) outs(%out : memref<256xf32>) {
  ^bb0(%in: f32, %o: f32):
    %0 = arith.mulf %in, %scale : f32
    linalg.yield %0 : f32
  }
  memref.dealloc %acc : memref<f32>
  return
}

// -----

#all = affine_map<(d0, d1) -> (d0, d1)>
#none = affine_map<(d0, d1) -> ()>

// A large reduction into a scalar (the overflow check's all-finite over a
// weight gradient) is spread over 1024 threads, each combining a fixed
// strided share starting from the combiner's identity (true for andi), then
// one thread combines the partials into the output.
// CHECK-LABEL: func.func @all_finite
// CHECK-SAME: (%[[G:.*]]: memref<784x256xf32>, %[[OK:.*]]: memref<i1>)
// CHECK: %[[PARTIALS:.*]] = gpu.alloc () : memref<1024xi1>
// CHECK: gpu.launch {{.*}} in ({{.*}} = %c4, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c256, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   %[[T:.*]] = arith.addi
// CHECK:   %[[SHARE:.*]] = scf.for %[[I:.*]] = %[[T]] to %c200704 step %c1024 iter_args(%[[ACC:.*]] = %true) -> (i1)
// CHECK:     %[[COL:.*]] = arith.remui %[[I]], %c256
// CHECK:     %[[ROW:.*]] = arith.divui %[[I]], %c256
// CHECK:     memref.load %[[G]][%[[ROW]], %[[COL]]]
// CHECK:     arith.andi %[[ACC]], %{{.*}} : i1
// CHECK:   memref.store %[[SHARE]], %[[PARTIALS]][%[[T]]]
// CHECK: gpu.launch {{.*}} in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1) threads({{.*}}) in ({{.*}} = %c1, {{.*}} = %c1, {{.*}} = %c1)
// CHECK:   %[[BEFORE:.*]] = memref.load %[[OK]][]
// CHECK:   %[[ALL:.*]] = scf.for %{{.*}} = %c0 to %c1024 step %c1 iter_args(%[[A:.*]] = %[[BEFORE]]) -> (i1)
// CHECK:     %[[P:.*]] = memref.load %[[PARTIALS]]
// CHECK:     arith.andi %[[A]], %[[P]] : i1
// CHECK:   memref.store %[[ALL]], %[[OK]][]
// CHECK: gpu.dealloc %[[PARTIALS]]
func.func @all_finite(%g: memref<784x256xf32>, %ok: memref<i1>) {
  linalg.generic {indexing_maps = [#all, #none], iterator_types = ["reduction", "reduction"]}
      ins(%g : memref<784x256xf32>) outs(%ok : memref<i1>) {
  ^bb0(%in: f32, %acc: i1):
    %inf = arith.constant 0x7F800000 : f32
    %0 = math.absf %in : f32
    %1 = arith.cmpf olt, %0, %inf : f32
    %2 = arith.andi %acc, %1 : i1
    linalg.yield %2 : i1
  }
  return
}
