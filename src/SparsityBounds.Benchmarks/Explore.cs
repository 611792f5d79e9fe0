using SparsityBounds.Benchmarks.Peers;
using SparsityBounds.Operators;

namespace SparsityBounds.Benchmarks;

/// <summary>Exploratory quick timings (<c>--explore dense</c>): medians, not BenchmarkDotNet.</summary>
internal static class Explore
{
    internal static void Dense(int[] sizes)
    {
        Console.WriteLine(OpenBlas.Description);
        foreach (int d in sizes)
        {
            var m = BenchData.Symmetric(d);
            var flat = new double[d * d];
            Buffer.BlockCopy(m, 0, flat, 0, flat.Length * 8);
            var x = BenchData.Vector(d, 1);
            var y = new double[d];
            foreach (int threads in new[] { 1, 2 })
            {
                var op = new DenseSymmetricOperator(m, threads);
                var opf = DenseSymmetricOperator.Create(m, DenseStorage.Single, threads);
                var stream = new double[op.StoredBytes / 8]; stream.AsSpan().Fill(1.0);
                OpenBlas.SetThreads(threads);
                double[] t = Timing.Interleaved([() => op.Apply(x, y), () => opf.Apply(x, y), () => OpenBlas.Dsymv(d, flat, x, y),
                    () => OpenBlas.Dgemv(d, flat, x, y), () => Bandwidth.ParallelSum(stream, threads)]);
                (double tApply, double tF, double tSymv, double tGemv, double tStream) = (t[0], t[1], t[2], t[3], t[4]);
                double gb = op.StoredBytes / 1e9;
                Console.WriteLine($"D={d} t={threads}: apply {tApply * 1e6:F0} us ({gb / tApply:F1} GB/s), f32 {tF * 1e6:F0} us, dsymv {tSymv * 1e6:F0} us, dgemv {tGemv * 1e6:F0} us, stream {tStream * 1e6:F0} us ({gb / tStream:F1} GB/s); apply/dsymv {tApply / tSymv:F2}, stream/apply {tStream / tApply:F2}");
            }
        }
    }
}
