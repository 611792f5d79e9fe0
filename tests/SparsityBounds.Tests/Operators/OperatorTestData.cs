using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Numerics;
using SparsityBounds.Operators;

namespace SparsityBounds.Tests.Operators;

/// <summary>Seeded test matrices and vectors, and a dense-oracle comparison for operators.</summary>
internal static class OperatorTestData
{
    internal static double[] Gaussian(int length, int seed, int stream = 0) =>
        Enumerable.Range(0, length).Select(i => CounterRandom.Gaussian(seed, stream, i)).ToArray();

    /// <summary>A random symmetric matrix (Gaussian entries, symmetrised).</summary>
    internal static double[,] RandomSymmetric(int n, int seed)
    {
        var a = new double[n, n];
        for (int i = 0; i < n; i++)
            for (int j = 0; j <= i; j++)
                a[i, j] = a[j, i] = CounterRandom.Gaussian(seed, i, j);
        return a;
    }

    /// <summary>Asserts ‖A x − B x‖∞ ≤ tol · max(1, ‖B x‖∞) for several seeded vectors.</summary>
    internal static void AssertMatchesDense(ISymmetricOperator op, Matrix<double> dense, double tolerance, int vectors = 3)
    {
        Assert.That(op.Dimension, Is.EqualTo(dense.RowCount));
        for (int t = 0; t < vectors; t++)
        {
            double[] x = Gaussian(op.Dimension, 100 + t);
            double[] y = new double[op.Dimension];
            op.Apply(x, y);
            var expected = dense * Vector<double>.Build.DenseOfArray(x);
            double scale = Math.Max(1.0, expected.InfinityNorm());
            double error = (Vector<double>.Build.DenseOfArray(y) - expected).InfinityNorm();
            Assert.That(error, Is.LessThanOrEqualTo(tolerance * scale), $"vector {t}");
        }
    }
}
