using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Kernels between float32-stored vectors and float64 working vectors, for a Lanczos basis kept in single precision
/// (half the memory and half the memory traffic of reorthogonalisation). Every product and sum is formed in double:
/// the stored float is widened exactly, so the only rounding beyond double's is the one made when the vector was
/// stored (<see cref="ConvertToSingle"/>, relative error ≤ 2⁻²⁴ per entry). Vector512 where the hardware has it
/// (<see cref="MatrixKernels.UseVector512"/>: one conversion instruction per 8 entries), else Vector256; the products and
/// combinations are <see cref="WideningKernels"/> over <see cref="SingleWidening"/>. Each kernel has a
/// scalar twin in <see cref="Reference"/> that defines its semantics.
/// </summary>
internal static class MixedPrecisionKernels
{
    /// <summary>destination[i] = (float)x[i], rounded to nearest.</summary>
    internal static void ConvertToSingle(ReadOnlySpan<double> x, Span<float> destination)
    {
        int n = x.Length;
        if (destination.Length != n) ThrowLengthMismatch(nameof(destination), n, destination.Length);
        ref double px = ref MemoryMarshal.GetReference(x);
        ref float pd = ref MemoryMarshal.GetReference(destination);
        int i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - 8; i += 8)
                Vector256.Narrow(Vector256.LoadUnsafe(ref px, (nuint)i), Vector256.LoadUnsafe(ref px, (nuint)(i + 4))).StoreUnsafe(ref pd, (nuint)i);
        }
        for (; i < n; i++) Unsafe.Add(ref pd, i) = (float)Unsafe.Add(ref px, i);
    }

    /// <summary>Four dot products (a_kᵀx) of float32 vectors with one double vector, in one pass over x, summed in double.</summary>
    internal static void Dot4(ReadOnlySpan<float> a0, ReadOnlySpan<float> a1, ReadOnlySpan<float> a2, ReadOnlySpan<float> a3,
        ReadOnlySpan<double> x, Span<double> destination) => WideningKernels.Dot4<SingleWidening, float>(a0, a1, a2, a3, x, destination);

    /// <summary>aᵀx for a float32 vector a and a double vector x, summed in double.</summary>
    internal static double Dot1(ReadOnlySpan<float> a, ReadOnlySpan<double> x) => WideningKernels.Dot1<SingleWidening, float>(a, x);

    /// <summary>w ← w − (c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃) for float32 vectors b_k, in one pass over w, in double.</summary>
    internal static void SubtractCombination4(ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> b3, ReadOnlySpan<double> coefficients, Span<double> w) =>
        WideningKernels.SubtractCombination4<SingleWidening, float>(b0, b1, b2, b3, coefficients, w);

    /// <summary>w ← w − c·b for a float32 vector b, in double.</summary>
    internal static void Subtract(double c, ReadOnlySpan<float> b, Span<double> w) => WideningKernels.Subtract<SingleWidening, float>(c, b, w);

    private static void ThrowLengthMismatch(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} has length {actual}; expected {expected}.", name);

    /// <summary>Scalar twins: the reference semantics of each kernel, one element at a time, in double.</summary>
    internal static class Reference
    {
        internal static void ConvertToSingle(ReadOnlySpan<double> x, Span<float> destination)
        {
            for (int i = 0; i < x.Length; i++) destination[i] = (float)x[i];
        }

        internal static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> x)
        {
            double s = 0;
            for (int i = 0; i < x.Length; i++) s += a[i] * x[i];
            return s;
        }

        internal static void SubtractCombination(ReadOnlySpan<double> coefficients, Span<double> w, params float[][] b)
        {
            for (int i = 0; i < w.Length; i++)
                for (int k = 0; k < b.Length; k++) w[i] -= coefficients[k] * b[k][i];
        }
    }
}
