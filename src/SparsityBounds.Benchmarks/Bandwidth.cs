using System.Numerics.Tensors;

namespace SparsityBounds.Benchmarks;

/// <summary>Physical limits of the machine: streaming read bandwidth and fused multiply-add throughput.</summary>
internal static class Bandwidth
{
    /// <summary>Sums <paramref name="data"/> split into <paramref name="threads"/> contiguous parts, one per thread.</summary>
    internal static double ParallelSum(double[] data, int threads)
    {
        if (threads <= 1) return TensorPrimitives.Sum<double>(data);
        var partial = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, c =>
        {
            long start = data.LongLength * c / threads, end = data.LongLength * (c + 1) / threads;
            partial[c] = TensorPrimitives.Sum<double>(data.AsSpan((int)start, (int)(end - start)));
        });
        return partial.Sum();
    }
}
