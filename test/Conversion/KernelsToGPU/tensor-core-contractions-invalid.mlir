// RUN: dps-opt %s --pass-pipeline='builtin.module(func.func(dps-gpu-tensor-core-contractions{chip=gfx90a}))' -verify-diagnostics

// expected-error @below {{unknown GPU chip 'gfx90a' (expected sm_NN, e.g. sm_90)}}
func.func @f() {
  return
}
