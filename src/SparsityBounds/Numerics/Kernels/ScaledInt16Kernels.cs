using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Kernels between vectors stored as 16-bit integers with one scale per slice (x ≈ s·q, s = max|x|/32767 over the
/// slice) and float64 working vectors: a Lanczos basis in a quarter of double's bytes (half of float32's) for the
/// memory-bound passes of reorthogonalisation. The stored error per entry is at most s/2 = max|x|/65534 of its slice's
/// largest entry; every product and sum is formed in double (an int16 widens to double exactly), and the kernels return
/// unscaled sums, so the caller applies the slice's scale once. The products and combinations are
/// <see cref="WideningKernels"/> over <see cref="Int16Widening"/>.
/// Each kernel has a scalar twin in <see cref="Reference"/> that defines its semantics.
/// </summary>
internal static class ScaledInt16Kernels
{
    /// <summary>Largest stored magnitude: the slice's largest entry maps to ±32767.</summary>
    internal const int FullScale = short.MaxValue;

    /// <summary>destination[i] = round(x[i]/s) (to nearest, ties to even) with s = max|x|/32767; returns s (0 for a zero
    /// slice, whose entries are stored as 0). x must be finite.</summary>
    internal static double Quantize(ReadOnlySpan<double> x, Span<short> destination)
    {
        int n = x.Length;
        if (destination.Length != n) ThrowLengthMismatch(nameof(destination), n, destination.Length);
        if (n == 0) return 0.0;
        double max = Math.Abs(TensorPrimitives.MaxMagnitude(x));
        if (!(max > 0)) { destination.Clear(); return 0.0; }
        double inverse = FullScale / max;
        ref double px = ref MemoryMarshal.GetReference(x);
        ref short pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            var scale = Vector256.Create(inverse);
            for (; i <= n - 16; i += 16)
            {
                Vector256<int> lo = Vector256.Narrow(Round(Vector256.LoadUnsafe(ref px, (nuint)i), scale), Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 4)), scale));
                Vector256<int> hi = Vector256.Narrow(Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 8)), scale), Round(Vector256.LoadUnsafe(ref px, (nuint)(i + 12)), scale));
                Vector256.Narrow(lo, hi).StoreUnsafe(ref pd, (nuint)i);
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = (short)Math.Round(Unsafe.Add(ref px, i) * inverse);
        return max / FullScale;
    }

    // |x·inverse| ≤ 32767 (+ rounding), so the integral value converts exactly and narrows without loss.
    private static Vector256<long> Round(Vector256<double> x, Vector256<double> inverse) =>
        Vector256.ConvertToInt64(Vector256.Round(x * inverse));

    /// <summary>Four unscaled dot products Σ_i a_k[i]·x[i] of int16 vectors with one double vector, in one pass over x.</summary>
    internal static void Dot4(ReadOnlySpan<short> a0, ReadOnlySpan<short> a1, ReadOnlySpan<short> a2, ReadOnlySpan<short> a3,
        ReadOnlySpan<double> x, Span<double> destination) => WideningKernels.Dot4<Int16Widening, short>(a0, a1, a2, a3, x, destination);

    /// <summary>The unscaled dot product Σ_i a[i]·x[i] of an int16 vector with a double vector.</summary>
    internal static double Dot1(ReadOnlySpan<short> a, ReadOnlySpan<double> x) => WideningKernels.Dot1<Int16Widening, short>(a, x);

    /// <summary>w ← w − (c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃) for int16 vectors b_k (the coefficients carry the slices' scales), in
    /// one pass over w, in double.</summary>
    internal static void SubtractCombination4(ReadOnlySpan<short> b0, ReadOnlySpan<short> b1, ReadOnlySpan<short> b2,
        ReadOnlySpan<short> b3, ReadOnlySpan<double> coefficients, Span<double> w) =>
        WideningKernels.SubtractCombination4<Int16Widening, short>(b0, b1, b2, b3, coefficients, w);

    /// <summary>w ← w − c·b for an int16 vector b (c carries the slice's scale), in double.</summary>
    internal static void Subtract(double c, ReadOnlySpan<short> b, Span<double> w) => WideningKernels.Subtract<Int16Widening, short>(c, b, w);

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    /// <summary>Scalar twins: the reference semantics of each kernel, one element at a time, in double.</summary>
    internal static class Reference
    {
        internal static double Quantize(ReadOnlySpan<double> x, Span<short> destination)
        {
            double max = 0;
            foreach (double v in x) max = Math.Max(max, Math.Abs(v));
            if (max == 0) { destination.Clear(); return 0.0; }
            double inverse = FullScale / max;
            for (int i = 0; i < x.Length; i++) destination[i] = (short)Math.Round(x[i] * inverse);
            return max / FullScale;
        }

        internal static double Dot(ReadOnlySpan<short> a, ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += a[i] * x[i];
            return s;
        }

        internal static void SubtractCombination(ReadOnlySpan<double> coefficients, Span<double> w, params short[][] b)
        {
            for (int i = 0; i < w.Length; i++)
                for (int k = 0; k < b.Length; k++) w[i] -= coefficients[k] * b[k][i];
        }
    }
}
