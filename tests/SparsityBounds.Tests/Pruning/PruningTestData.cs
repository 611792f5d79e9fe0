using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;

namespace SparsityBounds.Tests.Pruning;

internal static class PruningTestData
{
    internal static double[] Gaussian(int n, int seed, int stream = 0, double scale = 1.0) =>
        Enumerable.Range(0, n).Select(i => scale * CounterRandom.Gaussian(seed, stream, i)).ToArray();

    /// <summary>A random orthogonal matrix (QR of a Gaussian matrix).</summary>
    internal static Matrix<double> RandomOrthogonal(int n, int seed)
    {
        var g = Matrix<double>.Build.Dense(n, n, (i, j) => CounterRandom.Gaussian(seed, 1000 + i, j));
        return g.QR().Q;
    }

    /// <summary>Q diag(λ) Qᵀ, exactly symmetrised.</summary>
    internal static double[,] WithSpectrum(double[] eigenvalues, int seed)
    {
        int n = eigenvalues.Length;
        var q = RandomOrthogonal(n, seed);
        var a = q * Matrix<double>.Build.DiagonalOfDiagonalArray(eigenvalues) * q.Transpose();
        var s = new double[n, n];
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) s[i, j] = 0.5 * (a[i, j] + a[j, i]);
        return s;
    }

    /// <summary>A random SPD matrix with eigenvalues log-uniform in [lo, hi].</summary>
    internal static double[,] RandomSpd(int n, int seed, double lo = 0.1, double hi = 10) =>
        WithSpectrum(Enumerable.Range(0, n).Select(i => lo * Math.Pow(hi / lo, CounterRandom.Uniform(seed, 7, i))).ToArray(), seed);
}
