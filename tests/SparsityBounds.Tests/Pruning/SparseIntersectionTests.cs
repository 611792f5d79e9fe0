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
