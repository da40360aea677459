// Wall-clock checks (how fast, how smooth) hold only on an unloaded machine without sanitizers,
// so the functional suite asserts behaviour and leaves them to the `perf` ctest label, which
// runs the same test functions with RAGDESK_PERF_CHECKS=1 (docs/testing.md).
#pragma once

#include <QtGlobal>

namespace rag::test {

inline bool perfChecks()
{
    return qEnvironmentVariableIntValue("RAGDESK_PERF_CHECKS") == 1;
}

} // namespace rag::test
