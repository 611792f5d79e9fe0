using System.Numerics.Tensors;
using System.Runtime.Intrinsics;

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

/// <summary>The reachable fused multiply-add throughput: a register-resident loop of independent FMA chains.</summary>
internal static class FmaPeak
{
    /// <summary>Runs <paramref name="iterations"/> × 12 independent Vector256 FMAs (12 chains hide the 4–5 cycle latency);
    /// 12 × 4 lanes × 2 flops = 96 flops per iteration.</summary>
    internal static double Loop(long iterations)
    {
        var m = Vector256.Create(0.999999);
        var a = Vector256.Create(1e-9);
        Vector256<double> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector256.FusedMultiplyAdd(c0, m, a); c1 = Vector256.FusedMultiplyAdd(c1, m, a);
            c2 = Vector256.FusedMultiplyAdd(c2, m, a); c3 = Vector256.FusedMultiplyAdd(c3, m, a);
            c4 = Vector256.FusedMultiplyAdd(c4, m, a); c5 = Vector256.FusedMultiplyAdd(c5, m, a);
            c6 = Vector256.FusedMultiplyAdd(c6, m, a); c7 = Vector256.FusedMultiplyAdd(c7, m, a);
            c8 = Vector256.FusedMultiplyAdd(c8, m, a); c9 = Vector256.FusedMultiplyAdd(c9, m, a);
            c10 = Vector256.FusedMultiplyAdd(c10, m, a); c11 = Vector256.FusedMultiplyAdd(c11, m, a);
        }
        var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        double result = Vector256.Sum(s);
        s_sink += result; // keeps the loop alive
        return result;
    }

    private static double s_sink;

    /// <summary>As <see cref="Loop"/> with Vector512 (8 lanes): 12 FMAs = 192 flops per iteration. Needs AVX-512.</summary>
    internal static double Loop512(long iterations)
    {
        var m = Vector512.Create(0.999999);
        var a = Vector512.Create(1e-9);
        Vector512<double> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default,
            c6 = default, c7 = default, c8 = default, c9 = default, c10 = default, c11 = default;
        for (long i = 0; i < iterations; i++)
        {
            c0 = Vector512.FusedMultiplyAdd(c0, m, a); c1 = Vector512.FusedMultiplyAdd(c1, m, a);
            c2 = Vector512.FusedMultiplyAdd(c2, m, a); c3 = Vector512.FusedMultiplyAdd(c3, m, a);
            c4 = Vector512.FusedMultiplyAdd(c4, m, a); c5 = Vector512.FusedMultiplyAdd(c5, m, a);
            c6 = Vector512.FusedMultiplyAdd(c6, m, a); c7 = Vector512.FusedMultiplyAdd(c7, m, a);
            c8 = Vector512.FusedMultiplyAdd(c8, m, a); c9 = Vector512.FusedMultiplyAdd(c9, m, a);
            c10 = Vector512.FusedMultiplyAdd(c10, m, a); c11 = Vector512.FusedMultiplyAdd(c11, m, a);
        }
        var s = ((c0 + c1) + (c2 + c3)) + ((c4 + c5) + (c6 + c7)) + ((c8 + c9) + (c10 + c11));
        double result = Vector512.Sum(s);
        s_sink += result;
        return result;
    }

    /// <summary>Flops per second of <see cref="Loop"/> on <paramref name="threads"/> threads (median of interleaved samples).</summary>
    internal static double FlopsPerSecond(int threads)
    {
        const long iterations = 2_000_000;
        var sums = new double[threads];
        double seconds = Timing.Median(() =>
        {
            if (threads == 1) sums[0] = Loop(iterations);
            else Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, t => sums[t] = Loop(iterations));
        }, 5, 0.1);
        return 96.0 * iterations * threads / seconds;
    }
}
