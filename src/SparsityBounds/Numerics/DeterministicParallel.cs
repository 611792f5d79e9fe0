namespace SparsityBounds.Numerics;

/// <summary>
/// Parallel loops whose results do not depend on the number of threads: the work is cut into a fixed
/// partition that depends only on the problem size, and partial results are combined in partition order.
/// </summary>
internal static class DeterministicParallel
{
    /// <summary>Number of chunks for <paramref name="count"/> items of at least <paramref name="minChunk"/> each (never more than 64).</summary>
    internal static int ChunkCount(int count, int minChunk) =>
        count <= 0 ? 0 : Math.Clamp(count / Math.Max(1, minChunk), 1, 64);

    /// <summary>Start of chunk <paramref name="chunk"/> of <paramref name="chunks"/> over [0, count).</summary>
    internal static int ChunkStart(int count, int chunks, int chunk) => (int)((long)count * chunk / chunks);

    /// <summary>
    /// Runs <paramref name="body"/>(start, end) over a fixed partition of [0, count). Chunks run in parallel
    /// when <paramref name="maxDegreeOfParallelism"/> allows; each chunk is always the same range.
    /// </summary>
    internal static void For(int count, int minChunk, int maxDegreeOfParallelism, Action<int, int> body)
    {
        int chunks = ChunkCount(count, minChunk);
        if (chunks == 0) return;
        if (chunks == 1 || maxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
        {
            for (int c = 0; c < chunks; c++) body(ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1));
            return;
        }
        var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? -1 : maxDegreeOfParallelism };
        Parallel.For(0, chunks, options, c => body(ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1)));
    }

    /// <summary>Sums <paramref name="partial"/>(start, end) over a fixed partition, adding the partial sums in chunk order.</summary>
    internal static double Sum(int count, int minChunk, int maxDegreeOfParallelism, Func<int, int, double> partial)
    {
        int chunks = ChunkCount(count, minChunk);
        if (chunks == 0) return 0.0;
        Span<double> sums = stackalloc double[64];
        if (chunks == 1 || maxDegreeOfParallelism == 1 || Environment.ProcessorCount == 1)
        {
            for (int c = 0; c < chunks; c++) sums[c] = partial(ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1));
        }
        else
        {
            var results = new double[chunks];
            var options = new ParallelOptions { MaxDegreeOfParallelism = maxDegreeOfParallelism <= 0 ? -1 : maxDegreeOfParallelism };
            Parallel.For(0, chunks, options, c => results[c] = partial(ChunkStart(count, chunks, c), ChunkStart(count, chunks, c + 1)));
            results.CopyTo(sums);
        }
        double total = 0.0;
        for (int c = 0; c < chunks; c++) total += sums[c];
        return total;
    }
}
