// RUN: dps-opt %s -split-input-file -verify-diagnostics

func.func @axis_out_of_range(%x: tensor<?x7x7x32xf32>) {
  // expected-error @+1 {{'dps.flatten' op axis 5 is outside [0, 4]}}
  %y = dps.flatten %x axis = 5 : tensor<?x7x7x32xf32>
  return
}

// -----

func.func @negative_axis(%x: tensor<?x7xf32>) {
  // expected-error @+1 {{'dps.flatten' op axis -1 is outside [0, 2]}}
  %y = dps.flatten %x axis = -1 : tensor<?x7xf32>
  return
}
