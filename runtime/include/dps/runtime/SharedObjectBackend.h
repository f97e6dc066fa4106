//===- SharedObjectBackend.h - kernels from a compiled model ----*- C++ -*-===//
//
// Runs the kernels of an AOT-compiled model: a shared object linked from
// `dps-translate --dps-to-object` output, opened with dlopen. Every kernel
// of the manifest is resolved when the object is opened, so a model and a
// manifest that do not belong together fail before training starts.
//
//===----------------------------------------------------------------------===//
#ifndef DPS_RUNTIME_SHAREDOBJECTBACKEND_H
#define DPS_RUNTIME_SHAREDOBJECTBACKEND_H

#include "dps/runtime/KernelBackend.h"
#include "dps/runtime/Manifest.h"

#include <memory>
#include <string>
#include <unordered_map>

namespace dps::rt {

class SharedObjectBackend : public KernelBackend {
public:
  ~SharedObjectBackend() override;
  /// Opens the model at `path`: CPU kernels, or with `gpu` the host code of
  /// a GPU build (it defines `dps_gpu_target`, the chip); the other kind is
  /// an error.
  static Result<std::unique_ptr<SharedObjectBackend>>
  open(const std::string &path, const Manifest &manifest, bool gpu = false);

  Status call(const std::string &kernel,
              const std::vector<KernelValue> &args) override;
  const void *symbol(const std::string &name) override;

private:
  using EntryPoint = void (*)(void **);
  SharedObjectBackend() = default;
  void *handle = nullptr;
  std::unordered_map<std::string, EntryPoint> entryPoints;
};

} // namespace dps::rt

#endif // DPS_RUNTIME_SHAREDOBJECTBACKEND_H
