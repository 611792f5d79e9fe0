using MathNet.Numerics.LinearAlgebra;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;

namespace SparsityBounds.Tests.Pruning;

public class SparseIntersectionTests
{
    /// <summary>q_min = ½ w_Fᵀ (H_FF − H_FT H_TT⁻¹ H_TF) w_F by a dense Schur complement (MathNet).</summary>
    private static double SchurMinimum(double[,] h, double[] w, bool[] keep)
    {
        int[] t = Enumerable.Range(0, w.Length).Where(i => keep[i]).ToArray();
        int[] f = Enumerable.Range(0, w.Length).Where(i => !keep[i]).ToArray();
        var hm = Matrix<double>.Build.DenseOfArray(h);
        var wf = Vector<double>.Build.DenseOfEnumerable(f.Select(i => w[i]));
        var hff = Matrix<double>.Build.Dense(f.Length, f.Length, (i, j) => hm[f[i], f[j]]);
        if (t.Length == 0) return 0.5 * wf * (hff * wf);
        var htt = Matrix<double>.Build.Dense(t.Length, t.Length, (i, j) => hm[t[i], t[j]]);
        var htf = Matrix<double>.Build.Dense(t.Length, f.Length, (i, j) => hm[t[i], f[j]]);
        var schur = hff - htf.Transpose() * htt.Inverse() * htf;
        return 0.5 * wf * (schur * wf);
    }

    [TestCase(30, 1)]
    [TestCase(80, 2)]
    [TestCase(150, 3)]
    public void Minimum_MatchesSchurComplement(int n, int seed)
    {
        var h = PruningTestData.RandomSpd(n, seed);
        double[] w = PruningTestData.Gaussian(n, seed, 1);
        bool[] keep = new MagnitudeProfile(w).KeepMask(0.4);
        var result = SparseIntersection.Solve(new DenseSymmetricOperator(h), w, keep, epsilon: 1.0);
        double expected = SchurMinimum(h, w, keep);
        Assert.That(result.Converged, Is.True);
        Assert.That(result.Indefinite, Is.False);
        Assert.That(result.MinimumLossIncrease, Is.EqualTo(expected).Within(1e-6).Percent.Or.EqualTo(expected).Within(1e-12));
        Assert.That(result.LossIncreaseAtWeights, Is.EqualTo(result.MinimumLossIncrease));
        Assert.That(result.Feasible, Is.EqualTo(expected <= 1.0));
        for (int i = 0; i < n; i++) if (!keep[i]) Assert.That(result.Weights[i], Is.EqualTo(0.0));
        // Uncompensated: ½ w_Fᵀ H_FF w_F.
        double plain = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) if (!keep[i] && !keep[j]) plain += 0.5 * w[i] * h[i, j] * w[j];
        Assert.That(result.UncompensatedLossIncrease, Is.EqualTo(plain).Within(1e-10).Percent);
        Assert.That(result.MinimumLossIncrease, Is.LessThanOrEqualTo(result.UncompensatedLossIncrease * (1 + 1e-12)));
        Assert.That(result.OperatorApplications, Is.EqualTo(result.Iterations + 2));
    }

    [Test]
    public void IndefiniteBlock_IsReported_WithAFeasiblePoint()
    {
        double[] eigenvalues = Enumerable.Range(0, 40).Select(i => i < 5 ? -1.0 - i : 0.5 + i).ToArray();
        var h = PruningTestData.WithSpectrum(eigenvalues, 5);
        double[] w = PruningTestData.Gaussian(40, 6, scale: 3);
        bool[] keep = Enumerable.Repeat(true, 40).ToArray();
        for (int i = 0; i < 10; i++) keep[i] = false;
        // With 30 of 40 kept, H_TT has negative eigenvalues (interlacing: at least 5 − 10 ... check directly).
        var htt = Matrix<double>.Build.Dense(30, 30, (i, j) => h[i + 10, j + 10]);
        Assume.That(htt.Evd().EigenValues.Real().Minimum(), Is.LessThan(0));
        const double epsilon = 0.01;
        var result = SparseIntersection.Solve(new DenseSymmetricOperator(h), w, keep, epsilon);
        Assert.That(result.Indefinite, Is.True);
        Assert.That(result.MinimumLossIncrease, Is.EqualTo(double.NegativeInfinity));
        Assert.That(result.Feasible, Is.True);
        // The returned point really is on the support and inside the sublevel set.
        double[] delta = result.Weights.Select((v, i) => v - w[i]).ToArray();
        var hm = Matrix<double>.Build.DenseOfArray(h);
        var d = Vector<double>.Build.DenseOfArray(delta);
        double q = 0.5 * d * (hm * d);
        for (int i = 0; i < 10; i++) Assert.That(result.Weights[i], Is.EqualTo(0.0));
        Assert.That(q, Is.LessThanOrEqualTo(epsilon));
        Assert.That(result.LossIncreaseAtWeights, Is.EqualTo(q).Within(1e-8));
    }

    [Test]
    public void SmallestFeasibleKeptFraction_MatchesBruteForceScan()
    {
        const int n = 60;
        var h = PruningTestData.RandomSpd(n, 9, 0.05, 5);
        double[] w = PruningTestData.Gaussian(n, 10);
        var op = new DenseSymmetricOperator(h);
        var profile = new MagnitudeProfile(w);
        foreach (double epsilon in new[] { 0.01, 0.3, 3.0 })
        {
            int brute = Enumerable.Range(0, n + 1).First(k => SchurMinimum(h, w, profile.KeepMaskForCount(k)) <= epsilon);
            double rho = SparseIntersection.SmallestFeasibleKeptFraction(op, w, epsilon);
            Assert.That(rho, Is.EqualTo((double)brute / n), $"ε = {epsilon}");
            var limit = SparseIntersection.FindLimit(op, w, epsilon, default);
            Assert.That(limit.KeptCount, Is.EqualTo(brute));
            Assert.That(limit.Steps.Count, Is.LessThanOrEqualTo(8), "bisection: O(log D_p) solves");
        }
    }

    [Test]
    public void NonPrunableWeights_AreAlwaysKept()
    {
        const int n = 20;
        var h = PruningTestData.RandomSpd(n, 11);
        double[] w = PruningTestData.Gaussian(n, 12);
        bool[] prunable = Enumerable.Range(0, n).Select(i => i % 4 != 0).ToArray();
        var limit = SparseIntersection.FindLimit(new DenseSymmetricOperator(h), w, 0.2, prunable);
        var profile = new MagnitudeProfile(w, prunable);
        int brute = Enumerable.Range(0, profile.PrunableCount + 1).First(k => SchurMinimum(h, w, profile.KeepMaskForCount(k)) <= 0.2);
        Assert.That(limit.KeptCount, Is.EqualTo(brute));
        Assert.That(limit.KeptFraction, Is.EqualTo((double)brute / profile.PrunableCount));
    }

    [Test]
    public void BadInput_Throws_BeforeAnyProduct()
    {
        var counted = new DenseSymmetricOperator(PruningTestData.RandomSpd(4, 1)).Counting();
        double[] w = [1, 2, 3, 4];
        bool[] keep = [true, false, true, false];
        Assert.Multiple(() =>
        {
            Assert.That(() => SparseIntersection.Solve(counted, w, keep, 0), Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("epsilon"));
            Assert.That(() => SparseIntersection.Solve(counted, w, keep, double.NaN), Throws.InstanceOf<ArgumentOutOfRangeException>());
            Assert.That(() => SparseIntersection.Solve(counted, [1, 2, 3], keep, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => SparseIntersection.Solve(counted, w, [true], 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("keep"));
            Assert.That(() => SparseIntersection.Solve(counted, [1, double.NaN, 3, 4], keep, 1), Throws.ArgumentException.With.Property("ParamName").EqualTo("weights"));
            Assert.That(() => SparseIntersection.SmallestFeasibleKeptFraction(counted, w, 1, [false, false, false, false]), Throws.ArgumentException.With.Property("ParamName").EqualTo("prunable"));
        });
        Assert.That(counted.Applications, Is.Zero);
    }
}

public class UncompensatedLimitTests
{
    [Test]
    public void FindUncompensatedLimit_MatchesBruteForce_ForDiagonalCurvature()
    {
        // With diagonal PSD curvature q_plain(k) = ½ Σ_{j ∈ F} h_j w_j² is monotone in k: bisection is exact.
        const int n = 120;
        double[] w = PruningTestData.Gaussian(n, 21);
        double[] h = Enumerable.Range(0, n).Select(i => 0.1 + (i % 7)).ToArray();
        var profile = new MagnitudeProfile(w);
        double Q(int k) { var m = profile.KeepMaskForCount(k); double s = 0; for (int i = 0; i < n; i++) if (!m[i]) s += 0.5 * h[i] * w[i] * w[i]; return s; }
        foreach (double epsilon in new[] { 0.05, 1.0, 20.0 })
        {
            int brute = Enumerable.Range(0, n + 1).First(k => Q(k) <= epsilon);
            var limit = SparseIntersection.FindUncompensatedLimit(new SparsityBounds.Operators.DiagonalOperator(h), w, epsilon);
            Assert.That(limit.KeptCount, Is.EqualTo(brute), $"ε = {epsilon}");
            Assert.That(limit.OperatorApplications, Is.EqualTo(limit.Steps.Count));
            Assert.That(limit.Steps[^1].UncompensatedLossIncrease, Is.EqualTo(Q(limit.Steps[^1].KeptCount)).Within(1e-12));
        }
    }
}

public class FirstOrderModelTests
{
    [Test]
    public void WithGradient_IsExactForAQuadraticLoss_AtANonStationaryPoint()
    {
        // f(w) = ½(w − a)ᵀA(w − a) evaluated around w* ≠ a: f(w* + δ) − f(w*) = gᵀδ + ½δᵀAδ exactly, g = A(w* − a).
        const int n = 45;
        var a = PruningTestData.RandomSpd(n, 41, 0.2, 4);
        var am = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.DenseOfArray(a);
        double[] centre = PruningTestData.Gaussian(n, 42);
        double[] w = centre.Select((c, i) => c + 0.3 * PruningTestData.Gaussian(n, 43)[i]).ToArray();
        double F(ReadOnlySpan<double> v)
        {
            var d = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfEnumerable(v.ToArray().Select((x, i) => x - centre[i]));
            return 0.5 * d * (am * d);
        }
        double[] g = (am * MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfEnumerable(w.Select((x, i) => x - centre[i]))).ToArray();
        var options = new IntersectionOptions { Gradient = g };
        var op = new DenseSymmetricOperator(a);
        bool[] keep = new MagnitudeProfile(w).KeepMask(0.6);

        var result = SparseIntersection.Solve(op, w, keep, 1.0, options);
        Assert.That(result.MinimumLossIncrease, Is.EqualTo(F(result.Weights) - F(w)).Within(1e-9), "the model value is the true change at its minimiser");
        var reoptimised = MaskedReoptimization.Minimize((v, grad) =>
        {
            double value = F(v);
            var d = MathNet.Numerics.LinearAlgebra.Vector<double>.Build.DenseOfEnumerable(v.ToArray().Select((x, i) => x - centre[i]));
            var ad = am * d;
            for (int i = 0; i < n; i++) grad[i] = ad[i];
            return value;
        }, w, keep, new ReoptimizationOptions { MaxIterations = 500, GradientTolerance = 1e-8 });
        Assert.That(result.MinimumLossIncrease, Is.EqualTo(reoptimised.Value - F(w)).Within(1e-8), "and it is the true constrained minimum");

        var pruned = new double[n];
        for (int i = 0; i < n; i++) pruned[i] = keep[i] ? w[i] : 0.0;
        Assert.That(result.UncompensatedLossIncrease, Is.EqualTo(F(pruned) - F(w)).Within(1e-10));
        Assert.That(SparseIntersection.Solve(op, w, keep, 1.0).UncompensatedLossIncrease, Is.Not.EqualTo(result.UncompensatedLossIncrease).Within(1e-6), "the linear term matters here");
    }

    [Test]
    public void FirstOrderModel_MatchesTheLossToThirdOrder_ByFiniteDifferences()
    {
        // f(w) = Σ log cosh(w_i) + ⅙ Σ w_i³·0.1: model error along tδ must shrink like t³.
        const int n = 30;
        double[] w = PruningTestData.Gaussian(n, 44);
        double F(double[] v) => v.Sum(x => Math.Log(Math.Cosh(x)) + 0.1 * x * x * x / 6);
        double[] g = w.Select(x => Math.Tanh(x) + 0.05 * x * x).ToArray();
        double[] hDiag = w.Select(x => 1 / (Math.Cosh(x) * Math.Cosh(x)) + 0.1 * x).ToArray();
        double[] delta = PruningTestData.Gaussian(n, 45);
        double Error(double t)
        {
            double model = 0, exact = F(w.Select((x, i) => x + t * delta[i]).ToArray()) - F(w);
            for (int i = 0; i < n; i++) model += g[i] * t * delta[i] + 0.5 * hDiag[i] * t * t * delta[i] * delta[i];
            return Math.Abs(exact - model);
        }
        double e1 = Error(1e-2), e2 = Error(5e-3);
        Assert.That(e1 / e2, Is.EqualTo(8.0).Within(0.8), "third-order remainder");
        // And the solver's plain value is that model at δ = −w_F (support: keep half).
        bool[] keep = new MagnitudeProfile(w).KeepMask(0.5);
        var result = SparseIntersection.Solve(new DiagonalOperator(hDiag), w, keep, 1.0, new IntersectionOptions { Gradient = g });
        double expected = 0;
        for (int i = 0; i < n; i++) if (!keep[i]) expected += -g[i] * w[i] + 0.5 * hDiag[i] * w[i] * w[i];
        Assert.That(result.UncompensatedLossIncrease, Is.EqualTo(expected).Within(1e-12));
    }
}
