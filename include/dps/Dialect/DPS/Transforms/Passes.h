//===- Passes.h - dps-to-dps passes -----------------------------*- C++ -*-===//
#ifndef DPS_DIALECT_DPS_TRANSFORMS_PASSES_H
#define DPS_DIALECT_DPS_TRANSFORMS_PASSES_H

#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace mlir::dps {

#define GEN_PASS_DECL
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "dps/Dialect/DPS/Transforms/Passes.h.inc"

} // namespace mlir::dps

#endif // DPS_DIALECT_DPS_TRANSFORMS_PASSES_H
