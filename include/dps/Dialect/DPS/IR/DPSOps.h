//===- DPSOps.h - dps operations --------------------------------*- C++ -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSOPS_H
#define DPS_DIALECT_DPS_IR_DPSOPS_H

#include "dps/Dialect/DPS/IR/DPSAttrs.h"
#include "dps/Dialect/DPS/IR/DPSDialect.h"
#include "dps/Dialect/DPS/IR/DPSInterfaces.h"
#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#define GET_OP_CLASSES
#include "dps/Dialect/DPS/IR/DPSOps.h.inc"

#endif // DPS_DIALECT_DPS_IR_DPSOPS_H
