using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Tests.Pruning;

public class FirstOrderShiftTests
{
    [Test]
    public void OnAQuadratic_TheShiftedCentreIsTheMinimiser()
    {
        // f(w) = ½(w − a)ᵀA(w − a) at w* ≠ a: g = A(w* − a), s = A⁻¹g = w* − a, ½gᵀs = f(w*) − f(a).
        const int n = 60;
        double[] lambda = Enumerable.Range(0, n).Select(i => 0.05 + 0.1 * i).ToArray();
        var a = PruningTestData.WithSpectrum(lambda, 51);
        var am = Matrix<double>.Build.DenseOfArray(a);
        double[] minimiser = PruningTestData.Gaussian(n, 52);
        double[] w = minimiser.Select((m, i) => m + 0.2 * PruningTestData.Gaussian(n, 53)[i]).ToArray();
        var diff = Vector<double>.Build.DenseOfEnumerable(w.Select((x, i) => x - minimiser[i]));
        double[] g = (am * diff).ToArray();
        double expectedIncrease = 0.5 * diff * (am * diff);

        var exact = FirstOrderShift.FromEigendecomposition(SymmetricEigendecomposition.Compute(a), g);
        Assert.That(exact.CentreShift, Is.EqualTo(diff.ToArray()).Within(1e-10));
        Assert.That(exact.EpsilonIncrease, Is.EqualTo(expectedIncrease).Within(1e-10));
        Assert.That(exact.DroppedGradientNorm, Is.Zero);

        var fromCg = FirstOrderShift.FromOperator(new DenseSymmetricOperator(a), g, damping: 1e-12);
        Assert.That(fromCg.CentreShift, Is.EqualTo(diff.ToArray()).Within(1e-7));
        Assert.That(fromCg.EpsilonIncrease, Is.EqualTo(expectedIncrease).Within(1e-7));

        // The prediction measures R from the shifted centre (the minimiser) over the coordinates pruned by |w*|.
        const double epsilon = 0.05;
        var estimate = PhaseTransition.Estimate(w, lambda, epsilon, new PhaseTransitionOptions { FirstOrder = exact });
        bool[] keep = new MagnitudeProfile(w).KeepMaskForCount((int)Math.Floor(estimate.KeptFraction * n));
        double rFloor = Math.Sqrt(Enumerable.Range(0, n).Where(i => !keep[i]).Sum(i => minimiser[i] * minimiser[i]));
        bool[] keepCeil = new MagnitudeProfile(w).KeepMaskForCount((int)Math.Floor(estimate.KeptFraction * n) + 1);
        double rCeil = Math.Sqrt(Enumerable.Range(0, n).Where(i => !keepCeil[i]).Sum(i => minimiser[i] * minimiser[i]));
        Assert.That(estimate.ProjectionDistance, Is.InRange(Math.Min(rFloor, rCeil) - 1e-12, Math.Max(rFloor, rCeil) + 1e-12));
        Assert.That(estimate.Epsilon, Is.EqualTo(epsilon + expectedIncrease).Within(1e-10));
        double width = lambda.Sum(l => 2 * estimate.Epsilon / (2 * estimate.Epsilon + l * estimate.ProjectionDistance * estimate.ProjectionDistance));
        Assert.That(width, Is.EqualTo(n * (1 - estimate.KeptFraction)).Within(1e-6 * n), "fixed point with the shifted R and ε");
    }

    [Test]
    public void NullSpaceGradient_IsDroppedAndReported()
    {
        double[] lambda = [0.0, 1.0, 2.0];
        var d = SymmetricEigendecomposition.Compute(new double[,] { { 0, 0, 0 }, { 0, 1, 0 }, { 0, 0, 2 } });
        var shift = FirstOrderShift.FromEigendecomposition(d, [3.0, 1.0, 2.0]);
        Assert.That(shift.DroppedGradientNorm, Is.EqualTo(3.0).Within(1e-12));
        Assert.That(shift.CentreShift, Is.EqualTo(new[] { 0.0, 1.0, 1.0 }).Within(1e-12));
        Assert.That(shift.EpsilonIncrease, Is.EqualTo(0.5 * (1 + 2)).Within(1e-12));
        Assert.That(() => PhaseTransition.Estimate([1.0, 2.0, 3.0], lambda, 0.1, new PhaseTransitionOptions { FirstOrder = shift with { CentreShift = [1.0] } }),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("FirstOrder"));
    }
}
