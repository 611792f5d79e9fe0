using MathNet.Numerics.Distributions;
using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Spectral;

/// <summary>
/// Matrices with prescribed spectra, A = Q diag(λ) Qᵀ with a Haar-random orthogonal Q (MathNet QR of a seeded
/// Gaussian matrix, signs fixed), so every test knows the exact eigenvalues independently of the code under test.
/// </summary>
internal static class TestSpectra
{
    /// <summary>A random orthogonal matrix (Haar measure: QR of a Gaussian matrix with R's diagonal made positive).</summary>
    internal static Matrix<double> RandomOrthogonal(int n, int seed)
    {
        var g = Matrix<double>.Build.Random(n, n, new Normal(0, 1, new Random(seed)));
        var qr = g.QR();
        Matrix<double> q = qr.Q;
        Matrix<double> r = qr.R;
        for (int j = 0; j < n; j++)
            if (r[j, j] < 0) q.SetColumn(j, q.Column(j).Negate());
        return q;
    }

    /// <summary>Q diag(λ) Qᵀ, exactly symmetrised.</summary>
    internal static double[,] WithSpectrum(IReadOnlyList<double> eigenvalues, int seed)
    {
        int n = eigenvalues.Count;
        Matrix<double> q = RandomOrthogonal(n, seed);
        Matrix<double> scaled = q.Clone();
        for (int j = 0; j < n; j++) scaled.SetColumn(j, q.Column(j).Multiply(eigenvalues[j]));
        Matrix<double> a = scaled.TransposeAndMultiply(q);
        var result = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < n; j++) result[i, j] = 0.5 * (a[i, j] + a[j, i]);
        return result;
    }

    internal static DenseSymmetricOperator Dense(IReadOnlyList<double> eigenvalues, int seed) =>
        new(WithSpectrum(eigenvalues, seed), maxDegreeOfParallelism: 1);

    /// <summary>
    /// A Hessian-like spectrum of size D: 30% exact zeros, a positive bulk spread over [0.05, 2] (denser near the
    /// bottom), a negative bulk over [−0.4, −0.02] (10%), and outliers 40, 15, 7 and −3.
    /// </summary>
    internal static double[] HessianLike(int dimension, int seed)
    {
        var random = new Random(seed);
        var values = new double[dimension];
        int zeros = (int)(0.3 * dimension);
        int negatives = dimension / 10;
        double[] outliers = [40.0, 15.0, 7.0, -3.0];
        int at = zeros;
        for (int i = 0; i < negatives; i++) values[at++] = -0.02 - 0.38 * random.NextDouble();
        for (int i = 0; i < outliers.Length; i++) values[at++] = outliers[i];
        while (at < dimension)
        {
            double u = random.NextDouble();
            values[at++] = 0.05 + 1.95 * u * u;
        }
        return values;
    }

    /// <summary>Eigenvalues of a dense symmetric matrix by MathNet (the independent oracle).</summary>
    internal static double[] MathNetEigenvalues(double[,] a)
    {
        var evd = Matrix<double>.Build.DenseOfArray(a).Evd(Symmetricity.Symmetric);
        return evd.EigenValues.Select(c => c.Real).OrderBy(x => x).ToArray();
    }

    internal static double Sum(IEnumerable<double> values, Func<double, double> f) => values.Sum(f);
}

/// <summary>Wraps an operator, counting applications and optionally cancelling a token after a number of them.</summary>
internal sealed class CountingOperator(ISymmetricOperator inner, CancellationTokenSource? cancelAfter = null, int cancelAt = int.MaxValue) : ISymmetricOperator
{
    public int Applications { get; private set; }

    public int Dimension => inner.Dimension;

    public void Apply(ReadOnlySpan<double> x, Span<double> y)
    {
        inner.Apply(x, y);
        Applications++;
        if (Applications >= cancelAt) cancelAfter?.Cancel();
    }
}
