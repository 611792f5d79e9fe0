namespace SparsityBounds.Tests;

/// <summary>
/// Steady-state allocation checks. A real per-call allocation shows up in every round; a one-off lazy allocation of the
/// runtime or of a wait primitive under contention (seen on a loaded 2-core machine) does not, so the minimum over a few
/// rounds is the honest measure of "allocates nothing per call".
/// </summary>
internal static class AllocationAssert
{
    internal static long SteadyStateBytes(Action call, int callsPerRound = 20, int rounds = 3, int warmUp = 5)
    {
        for (int i = 0; i < warmUp; i++) call();
        long best = long.MaxValue;
        for (int r = 0; r < rounds; r++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < callsPerRound; i++) call();
            best = Math.Min(best, GC.GetAllocatedBytesForCurrentThread() - before);
        }
        return best;
    }
}
