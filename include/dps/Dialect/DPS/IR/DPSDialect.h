//===- DPSDialect.h - dps dialect -------------------------------*- C++ -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSDIALECT_H
#define DPS_DIALECT_DPS_IR_DPSDIALECT_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Dialect.h"

#include "dps/Dialect/DPS/IR/DPSDialect.h.inc"

#endif // DPS_DIALECT_DPS_IR_DPSDIALECT_H
