using System.Numerics.Tensors;
using SparsityBounds.Benchmarks.Peers;
using SparsityBounds.Models;
using SparsityBounds.Numerics.Kernels;
using SparsityBounds.Operators;
using SparsityBounds.Pruning;
using SparsityBounds.Spectral;

namespace SparsityBounds.Benchmarks;

/// <summary>
/// The quick performance guard (<c>--guard</c>, run by <c>.ci/perf-guard</c>): hot-path ratios against their baselines,
/// measured as medians of interleaved samples, checked against generous thresholds. Exit code 1 and one
/// "PERF REGRESSION:" line per violated ratio.
/// </summary>
/// <remarks>
/// Built to stay green on a noisy shared 2-core machine: every ratio compares two timings sampled round-robin in the
/// same seconds (a load change hits both), and a failing ratio is measured again up to twice, keeping the best: a real
/// regression fails every time, a burst of load does not. Thresholds sit well below the measured values
/// (docs/benchmarks.md): they catch a lost SIMD path, a lost symmetric storage, an allocation on the hot path or a
/// scalar fallback, not a 10 % drift.
/// </remarks>
internal static class Guard
{
    private sealed record Check(string Name, string Relation, double Threshold, bool HigherIsBetter, Func<double> Measure);

    internal static int Run()
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Console.WriteLine($"perf guard: {Environment.ProcessorCount} processors, Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "accelerated" : "NOT accelerated")}, Vector512 {(System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "accelerated" : "not accelerated")}, {OpenBlas.Description}");
        var checks = new List<Check>();

        // Dense symmetric apply, D = 1500 (9 MB packed).
        const int d = 1500;
        double[,] matrix = BenchData.Symmetric(d);
        double[] flat = new double[d * d];
        Buffer.BlockCopy(matrix, 0, flat, 0, flat.Length * sizeof(double));
        double[] x = BenchData.Vector(d, 1), y = new double[d];
        var dense = new DenseSymmetricOperator(matrix);
        checks.Add(new("dense apply speed-up over the naive loop", ">=", 3.0, true, () =>
        {
            double[] t = Timing.Interleaved([() => Naive(matrix, x, y), () => dense.Apply(x, y)], 7, 0.02);
            return t[0] / t[1];
        }));
        // Bandwidth check at D = 3000: 36 MB packed, beyond the 32 MB L3, so both sides stream from memory.
        const int dLarge = 3000;
        var denseLarge = new DenseSymmetricOperator(BenchData.Symmetric(dLarge));
        double[] xLarge = BenchData.Vector(dLarge, 1), yLarge = new double[dLarge];
        double[] stream = new double[denseLarge.StoredBytes / sizeof(double)];
        stream.AsSpan().Fill(1.0);
        checks.Add(new("dense apply (D = 3000): fraction of the streaming-read bandwidth on the bytes it reads", ">=", 0.4, true, () =>
        {
            double[] t = Timing.Interleaved([() => Bandwidth.ParallelSum(stream, Environment.ProcessorCount), () => denseLarge.Apply(xLarge, yLarge)], 7, 0.03);
            return t[0] / t[1];
        }));
        double[] xsLarge = new double[2 * dLarge], ysLarge = new double[2 * dLarge];
        xLarge.CopyTo(xsLarge, 0);
        xLarge.CopyTo(xsLarge, dLarge);
        checks.Add(new("dense apply (D = 3000): ApplyMany(2 vectors) time / one Apply time", "<=", 1.8, false, () =>
        {
            double[] t = Timing.Interleaved([() => denseLarge.Apply(xLarge, yLarge), () => denseLarge.ApplyMany(xsLarge, ysLarge, 2)], 7, 0.03);
            return t[1] / t[0];
        }));
        var denseLargeSingle = DenseSymmetricOperator.Create(BenchData.Symmetric(dLarge), DenseStorage.Single);
        checks.Add(new("dense apply (D = 3000), float32 storage: speed-up over double storage", ">=", 1.2, true, () =>
        {
            double[] t = Timing.Interleaved([() => denseLarge.Apply(xLarge, yLarge), () => denseLargeSingle.Apply(xLarge, yLarge)], 7, 0.03);
            return t[0] / t[1];
        }));
        if (OpenBlas.IsAvailable)
            checks.Add(new("dense apply time / OpenBLAS dsymv time", "<=", 2.0, false, () =>
            {
                double[] t = Timing.Interleaved([() => OpenBlas.Dsymv(d, flat, x, y), () => dense.Apply(x, y)], 7, 0.02);
                return t[1] / t[0];
            }));
        checks.Add(new("dense apply: bytes allocated per call", "<=", 0, false, () => Timing.AllocatedBytes(() => dense.Apply(x, y)) / 20.0));

        // GEMM micro-kernel against its scalar twin (forward shape of a 64-sample block, 128 × 128).
        double[] ga = BenchData.Vector(64 * 128, 2), gb = BenchData.Vector(128 * 128, 3), gc = new double[64 * 128], gw = new double[128 * 128];
        checks.Add(new("GEMM kernel speed-up over its scalar twin", ">=", 5.0, true, () =>
        {
            double[] t = Timing.Interleaved([
                () => MatrixKernels.Reference.MultiplyAddTransposedB(64, 128, 128, ga, 128, gb, 128, gc, 128),
                () => MatrixKernels.MultiplyAddTransposedB(64, 128, 128, ga, 128, gb, 128, gc, 128)], 7, 0.02);
            return t[0] / t[1];
        }));

        if (System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated)
            checks.Add(new("GEMM kernel: Vector512 tiles speed-up over Vector256 tiles", ">=", 1.25, true, () =>
            {
                double[] t = Timing.Interleaved([
                    () => { MatrixKernels.UseVector512 = false; MatrixKernels.MultiplyAddTransposedA(128, 128, 64, ga, 128, gb, 128, gw, 128); },
                    () => { MatrixKernels.UseVector512 = true; MatrixKernels.MultiplyAddTransposedA(128, 128, 64, ga, 128, gb, 128, gw, 128); }], 7, 0.02);
                MatrixKernels.UseVector512 = true;
                return t[0] / t[1];
            }));

        // MLP curvature products on the digits, [64, 128, 128, 10] ReLU (D = 26,122).
        var model = new Mlp([64, 128, 128, 10], Activation.Relu);
        var objective = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, 1e-4);
        double[] theta = model.InitializeParameters(1), v = model.InitializeParameters(2);
        double[] gradient = new double[model.ParameterCount], hv = new double[model.ParameterCount];
        ISymmetricOperator hessian = objective.Hessian(theta);
        var block = (IBlockSymmetricOperator)hessian;
        int dim = model.ParameterCount;
        double[] vs = new double[8 * dim], hvs = new double[8 * dim];
        for (int j = 0; j < 8; j++) v.CopyTo(vs, j * dim);
        checks.Add(new("HVP time / gradient time (primal pass cached)", "<=", 2.5, false, () =>
        {
            double[] t = Timing.Interleaved([() => objective.Gradient(theta, gradient), () => hessian.Apply(v, hv)], 7, 0.05);
            return t[1] / t[0];
        }));
        checks.Add(new("single-thread HVP: fraction of the FMA-loop peak (flops of the R-operator GEMMs)", ">=", 0.3, true, () =>
        {
            var single = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, 1e-4) { MaxDegreeOfParallelism = 1 }.Hessian(theta);
            bool wide = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated;
            double[] t = Timing.Interleaved([() => single.Apply(v, hv), () => { if (wide) FmaPeak.Loop512(100_000); else FmaPeak.Loop(100_000); }], 7, 0.05);
            double hvpFlops = 2.0 * 1797 * (2 * 128 * 64 + 6 * 128 * 128 + 6 * 10 * 128);
            double peakFlops = (wide ? 192.0 : 96.0) * 100_000;
            return hvpFlops / t[0] / (peakFlops / t[1]);
        }));
        checks.Add(new("ApplyMany(8 directions) time / one HVP time", "<=", 10.0, false, () =>
        {
            double[] t = Timing.Interleaved([() => hessian.Apply(v, hv), () => block.ApplyMany(vs, hvs, 8)], 5, 0.1);
            return t[1] / t[0];
        }));
        checks.Add(new("HVP: bytes allocated per call", "<=", 0, false, () => Timing.AllocatedBytes(() => hessian.Apply(v, hv)) / 20.0));
        ISymmetricOperator hessianSingle = new MlpObjective(model, SampleData.Digits(), Loss.SoftmaxCrossEntropy, 1e-4) { ProductPrecision = ProductPrecision.Single }.Hessian(theta);
        checks.Add(new("HVP time, ProductPrecision.Single / Double", "<=", 0.8, false, () =>
        {
            double[] t = Timing.Interleaved([() => hessian.Apply(v, hv), () => hessianSingle.Apply(v, hv)], 7, 0.05);
            return t[1] / t[0];
        }));

        // One reorthogonalisation pass against 120 stored Lanczos vectors of D = 85,002 (82 MB in double, beyond the L3).
        const int basisDimension = 85_002, basisVectors = 120;
        var basis = new double[basisVectors][];
        for (int k = 0; k < basisVectors; k++) basis[k] = BenchData.Vector(basisDimension, 10 + k);
        float[]?[] basisSingle = basis.Select(b => b.Select(e => (float)e).ToArray()).ToArray();
        double[]?[] basisDouble = basis;
        int[] all = [.. Enumerable.Range(0, basisVectors)];
        double[] w0 = BenchData.Vector(basisDimension, 5), wWork = new double[basisDimension], projections = new double[basisVectors];
        var orthogonalizer = new SparsityBounds.Numerics.BasisOrthogonalizer(basisDimension, -1);
        checks.Add(new("Lanczos reorthogonalisation pass: float32 basis speed-up over double basis", ">=", 1.2, true, () =>
        {
            double[] t = Timing.Interleaved([
                () => { w0.CopyTo(wWork, 0); orthogonalizer.OrthogonalizeTwice(basisDouble, all, wWork, projections); },
                () => { w0.CopyTo(wWork, 0); orthogonalizer.OrthogonalizeTwice(basisSingle, all, wWork, projections); }], 7, 0.03);
            return t[0] / t[1];
        }));
        // The same pass on one thread (as each concurrent SLQ probe runs it), 16-bit against float32 storage.
        var oneThread = new SparsityBounds.Numerics.BasisOrthogonalizer(basisDimension, 1);
        short[]?[] basisScaled = basis.Select(_ => new short[basisDimension]).ToArray();
        var scales = new double[basisVectors * oneThread.Parts];
        for (int k = 0; k < basisVectors; k++) oneThread.Quantize(basis[k], basisScaled[k], scales.AsSpan(k * oneThread.Parts, oneThread.Parts));
        checks.Add(new("Lanczos reorthogonalisation pass, one thread: 16-bit basis speed-up over float32 basis", ">=", 1.2, true, () =>
        {
            double[] t = Timing.Interleaved([
                () => { w0.CopyTo(wWork, 0); oneThread.OrthogonalizeTwice(basisSingle, all, wWork, projections); },
                () => { w0.CopyTo(wWork, 0); oneThread.OrthogonalizeTwice(basisScaled, scales, all, wWork, projections); }], 7, 0.03);
            return t[0] / t[1];
        }));
        checks.Add(new("ApplyMany(8): bytes allocated per call", "<=", 0, false, () => Timing.AllocatedBytes(() => block.ApplyMany(vs, hvs, 8), 5) / 5.0));

        // PhaseTransition.Estimate: time outside the Hessian products (SLQ 2 probes × 60 steps on the same Hessian).
        var options = new PhaseTransitionOptions { Spectrum = new SlqOptions { Probes = 2, Steps = 60, Seed = 1 } };
        checks.Add(new("PhaseTransition.Estimate time / time of its HVPs", "<=", 2.0, false, () =>
        {
            var counting = new TimedOperator(hessian);
            var start = System.Diagnostics.Stopwatch.GetTimestamp();
            PhaseTransition.Estimate(theta, counting, 0.01, options);
            double total = System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalSeconds;
            return total / (counting.Seconds / (counting.Views + 1));   // products per thread when probes ran at once
        }));

        int failures = 0;
        foreach (Check check in checks)
        {
            double value;
            try
            {
                value = check.Measure();
                for (int attempt = 0; attempt < 2 && !Passes(check, value); attempt++)
                {
                    double again = check.Measure();
                    value = check.HigherIsBetter ? Math.Max(value, again) : Math.Min(value, again);
                }
            }
            catch (Exception e)
            {
                failures++;
                Console.WriteLine($"PERF REGRESSION: {check.Name} could not be measured: {e.GetType().Name}: {e.Message}");
                continue;
            }
            bool ok = Passes(check, value);
            if (!ok) failures++;
            Console.WriteLine($"{(ok ? "ok  " : "PERF REGRESSION:")} {check.Name} = {value:G4} (required {check.Relation} {check.Threshold})");
        }
        Console.WriteLine($"perf guard: {checks.Count - failures} of {checks.Count} ratios within bounds in {watch.Elapsed.TotalSeconds:F0} s");
        return failures == 0 ? 0 : 1;
    }

    private static bool Passes(Check check, double value) =>
        check.HigherIsBetter ? value >= check.Threshold : value <= check.Threshold;

    internal static void Naive(double[,] matrix, double[] x, double[] y)
    {
        int n = x.Length;
        for (int i = 0; i < n; i++)
        {
            double s = 0;
            for (int j = 0; j < n; j++) s += matrix[i, j] * x[j];
            y[i] = s;
        }
    }

    /// <summary>Forwards to an operator and adds up the wall time spent in its products.</summary>
    /// <summary>Adds up the wall time and the number of products, over the operator and every concurrent view it hands out
    /// (each view times itself; the totals are read after the run).</summary>
    internal sealed class TimedOperator(ISymmetricOperator inner) : IConcurrentSymmetricOperator
    {
        private readonly List<TimedOperator> _views = [];
        private long _ticks;
        private int _applications;

        public int Dimension => inner.Dimension;

        /// <summary>Products by this operator and its views.</summary>
        public int Applications { get { lock (_views) return _applications + _views.Sum(v => v.Applications); } }

        /// <summary>Seconds spent in products, summed over the operator and its views (over threads, when they ran at once).</summary>
        public double Seconds { get { lock (_views) return ((double)_ticks / System.Diagnostics.Stopwatch.Frequency) + _views.Sum(v => v.Seconds); } }

        /// <summary>Views handed out (concurrent probes beyond the first).</summary>
        public int Views { get { lock (_views) return _views.Count; } }

        public void Apply(ReadOnlySpan<double> x, Span<double> y)
        {
            long start = System.Diagnostics.Stopwatch.GetTimestamp();
            inner.Apply(x, y);
            _ticks += System.Diagnostics.Stopwatch.GetTimestamp() - start;
            _applications++;
        }

        public ISymmetricOperator CreateConcurrentView()
        {
            var view = new TimedOperator(((IConcurrentSymmetricOperator)inner).CreateConcurrentView());
            lock (_views) _views.Add(view);
            return view;
        }
    }
}
