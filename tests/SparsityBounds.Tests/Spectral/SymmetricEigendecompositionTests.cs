using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;
using SparsityBounds.Spectral;
using SparsityBounds.Tests.Pruning;

namespace SparsityBounds.Tests.Spectral;

public class SymmetricEigendecompositionTests
{
    [Test]
    public void Compute_MatchesMathNet_AndFunctionGivesAbsoluteValue()
    {
        const int n = 90;
        double[] lambda = Enumerable.Range(0, n).Select(i => (i - 30) * 0.37 + (i % 5 == 0 ? 0 : 0.01 * i)).ToArray();
        var a = PruningTestData.WithSpectrum(lambda, 3);
        var op = new DenseSymmetricOperator(a);
        var fromMatrix = SymmetricEigendecomposition.Compute(a);
        var fromOperator = SymmetricEigendecomposition.Compute(op);
        var expected = lambda.OrderBy(l => l).ToArray();
        Assert.That(fromMatrix.Eigenvalues.ToArray(), Is.EqualTo(expected).Within(1e-12));
        Assert.That(fromOperator.Eigenvalues.ToArray(), Is.EqualTo(expected).Within(1e-12));

        var dense = Matrix<double>.Build.DenseOfArray(a);
        var evd = dense.Evd(Symmetricity.Symmetric);
        var absExpected = evd.EigenVectors * Matrix<double>.Build.DiagonalOfDiagonalArray(evd.EigenValues.Select(c => Math.Abs(c.Real)).ToArray()) * evd.EigenVectors.Transpose();
        var abs = Matrix<double>.Build.DenseOfArray(fromMatrix.Function(Math.Abs).ToArray());
        Assert.That((abs - absExpected).InfinityNorm(), Is.LessThan(1e-11));

        double[] x = PruningTestData.Gaussian(n, 4), coordinates = new double[n];
        fromMatrix.ToEigenbasis(x, coordinates);
        Assert.That(coordinates.Sum(c => c * c), Is.EqualTo(x.Sum(c => c * c)).Within(1e-10), "V is orthogonal");
        var v0 = Vector<double>.Build.DenseOfArray(fromMatrix.Eigenvector(0));
        Assert.That((dense * v0 - expected[0] * v0).L2Norm(), Is.LessThan(1e-11));
    }

    [Test]
    public void BadInput_Throws()
    {
        Assert.That(() => SymmetricEigendecomposition.Compute(new double[2, 3]), Throws.ArgumentException);
        var d = SymmetricEigendecomposition.Compute(new double[,] { { 1, 0 }, { 0, 2 } }, computeVectors: false);
        Assert.That(() => d.Function(Math.Abs), Throws.InvalidOperationException);
        Assert.That(() => SymmetricEigendecomposition.Compute(new double[,] { { 1, 0 }, { 0, 2 } }).Function(l => l / 0.0), Throws.ArgumentException);
    }
}

