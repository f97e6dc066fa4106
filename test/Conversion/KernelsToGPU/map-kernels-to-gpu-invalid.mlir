// RUN: dps-opt %s -split-input-file -dps-map-kernels-to-gpu -verify-diagnostics

memref.global "private" constant @table : memref<2xf32> = dense<[1.0, 2.0]>
func.func @dense_constant(%out: memref<2xf32>) {
  // expected-error @below {{GPU kernels cannot read the host constant @table (only splat constants are filled on the device)}}
  %t = memref.get_global @table : memref<2xf32>
  memref.copy %t, %out : memref<2xf32> to memref<2xf32>
  return
}

// -----

func.func @host_needs_device_value(%sizes: memref<1xindex>) {
  %c0 = arith.constant 0 : index
  %n = memref.load %sizes[%c0] : memref<1xindex>
  // expected-error @below {{the host part of a GPU kernel needs a value computed on the device}}
  %buffer = memref.alloc(%n) : memref<?xf32>
  memref.dealloc %buffer : memref<?xf32>
  return
}

// -----

// expected-error @below {{GPU kernels must be a single block}}
func.func @branches(%c: i1) {
  cf.cond_br %c, ^a, ^b
^a:
  return
^b:
  return
}
