using SparsityBounds.Numerics;

namespace SparsityBounds.Benchmarks;

/// <summary>Seeded inputs shared by the benchmarks.</summary>
internal static class BenchData
{
    internal static double[] Vector(int length, int stream) =>
        Enumerable.Range(0, length).Select(i => CounterRandom.Gaussian(42, stream, i)).ToArray();

    internal static double[,] Symmetric(int n)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++) a[i, j] = a[j, i] = CounterRandom.Gaussian(42, i, j);
        return a;
    }
}
