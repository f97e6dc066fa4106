//===- DPSInterfaces.h - dps op interfaces ----------------------*- C++ -*-===//
#ifndef DPS_DIALECT_DPS_IR_DPSINTERFACES_H
#define DPS_DIALECT_DPS_IR_DPSINTERFACES_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpDefinition.h"

#include "dps/Dialect/DPS/IR/DPSInterfaces.h.inc"

#endif // DPS_DIALECT_DPS_IR_DPSINTERFACES_H
