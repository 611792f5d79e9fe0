using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace SparsityBounds.Numerics.Kernels;

/// <summary>
/// Kernels between float32-stored vectors and float64 working vectors, for a Lanczos basis kept in single precision
/// (half the memory and half the memory traffic of reorthogonalisation). Every product and sum is formed in double:
/// the stored float is widened exactly, so the only rounding beyond double's is the one made when the vector was
/// stored (<see cref="ConvertToSingle"/>, relative error ≤ 2⁻²⁴ per entry). Vector512 where the hardware has it
/// (<see cref="MatrixKernels.UseVector512"/>: one conversion instruction per 8 entries), else Vector256. Each kernel has a
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
        ReadOnlySpan<double> x, Span<double> destination)
    {
        int n = x.Length;
        if (a0.Length != n || a1.Length != n || a2.Length != n || a3.Length != n) ThrowLengthMismatch(nameof(x), a0.Length, n);
        if (destination.Length < 4) ThrowLengthMismatch(nameof(destination), 4, destination.Length);
        ref float p0 = ref MemoryMarshal.GetReference(a0);
        ref float p1 = ref MemoryMarshal.GetReference(a1);
        ref float p2 = ref MemoryMarshal.GetReference(a2);
        ref float p3 = ref MemoryMarshal.GetReference(a3);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        if (MatrixKernels.UseVector512 && n >= 16)
        {
            var c0 = Vector512<double>.Zero; var c1 = Vector512<double>.Zero;
            var c2 = Vector512<double>.Zero; var c3 = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var xl = Vector512.LoadUnsafe(ref px, (nuint)i);
                var xh = Vector512.LoadUnsafe(ref px, (nuint)(i + 8));
                var b0 = Vector512.LoadUnsafe(ref p0, (nuint)i);
                var b1 = Vector512.LoadUnsafe(ref p1, (nuint)i);
                var b2 = Vector512.LoadUnsafe(ref p2, (nuint)i);
                var b3 = Vector512.LoadUnsafe(ref p3, (nuint)i);
                c0 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(b0), xh, Vector512.FusedMultiplyAdd(Vector512.WidenLower(b0), xl, c0));
                c1 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(b1), xh, Vector512.FusedMultiplyAdd(Vector512.WidenLower(b1), xl, c1));
                c2 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(b2), xh, Vector512.FusedMultiplyAdd(Vector512.WidenLower(b2), xl, c2));
                c3 = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(b3), xh, Vector512.FusedMultiplyAdd(Vector512.WidenLower(b3), xl, c3));
            }
            s0 = Vector512.Sum(c0); s1 = Vector512.Sum(c1); s2 = Vector512.Sum(c2); s3 = Vector512.Sum(c3);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var c0 = Vector256<double>.Zero; var c1 = Vector256<double>.Zero;
            var c2 = Vector256<double>.Zero; var c3 = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var xl = Vector256.LoadUnsafe(ref px, (nuint)i);
                var xh = Vector256.LoadUnsafe(ref px, (nuint)(i + 4));
                var b0 = Vector256.LoadUnsafe(ref p0, (nuint)i);
                var b1 = Vector256.LoadUnsafe(ref p1, (nuint)i);
                var b2 = Vector256.LoadUnsafe(ref p2, (nuint)i);
                var b3 = Vector256.LoadUnsafe(ref p3, (nuint)i);
                c0 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(b0), xh, Vector256.FusedMultiplyAdd(Vector256.WidenLower(b0), xl, c0));
                c1 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(b1), xh, Vector256.FusedMultiplyAdd(Vector256.WidenLower(b1), xl, c1));
                c2 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(b2), xh, Vector256.FusedMultiplyAdd(Vector256.WidenLower(b2), xl, c2));
                c3 = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(b3), xh, Vector256.FusedMultiplyAdd(Vector256.WidenLower(b3), xl, c3));
            }
            s0 = Vector256.Sum(c0); s1 = Vector256.Sum(c1); s2 = Vector256.Sum(c2); s3 = Vector256.Sum(c3);
        }
        for (; i < n; i++)
        {
            double xi = Unsafe.Add(ref px, i);
            s0 = Math.FusedMultiplyAdd(Unsafe.Add(ref p0, i), xi, s0);
            s1 = Math.FusedMultiplyAdd(Unsafe.Add(ref p1, i), xi, s1);
            s2 = Math.FusedMultiplyAdd(Unsafe.Add(ref p2, i), xi, s2);
            s3 = Math.FusedMultiplyAdd(Unsafe.Add(ref p3, i), xi, s3);
        }
        destination[0] = s0; destination[1] = s1; destination[2] = s2; destination[3] = s3;
    }

    /// <summary>aᵀx for a float32 vector a and a double vector x, summed in double.</summary>
    internal static double Dot1(ReadOnlySpan<float> a, ReadOnlySpan<double> x)
    {
        int n = x.Length;
        if (a.Length != n) ThrowLengthMismatch(nameof(a), n, a.Length);
        ref float pa = ref MemoryMarshal.GetReference(a);
        ref double px = ref MemoryMarshal.GetReference(x);
        int i = 0;
        double s = 0;
        if (MatrixKernels.UseVector512 && n >= 16)
        {
            var c = Vector512<double>.Zero;
            for (; i <= n - 16; i += 16)
            {
                var b = Vector512.LoadUnsafe(ref pa, (nuint)i);
                c = Vector512.FusedMultiplyAdd(Vector512.WidenUpper(b), Vector512.LoadUnsafe(ref px, (nuint)(i + 8)),
                    Vector512.FusedMultiplyAdd(Vector512.WidenLower(b), Vector512.LoadUnsafe(ref px, (nuint)i), c));
            }
            s = Vector512.Sum(c);
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var c = Vector256<double>.Zero;
            for (; i <= n - 8; i += 8)
            {
                var b = Vector256.LoadUnsafe(ref pa, (nuint)i);
                c = Vector256.FusedMultiplyAdd(Vector256.WidenUpper(b), Vector256.LoadUnsafe(ref px, (nuint)(i + 4)),
                    Vector256.FusedMultiplyAdd(Vector256.WidenLower(b), Vector256.LoadUnsafe(ref px, (nuint)i), c));
            }
            s = Vector256.Sum(c);
        }
        for (; i < n; i++) s = Math.FusedMultiplyAdd(Unsafe.Add(ref pa, i), Unsafe.Add(ref px, i), s);
        return s;
    }

    /// <summary>w ← w − (c₀b₀ + c₁b₁ + c₂b₂ + c₃b₃) for float32 vectors b_k, in one pass over w, in double.</summary>
    internal static void SubtractCombination4(ReadOnlySpan<float> b0, ReadOnlySpan<float> b1, ReadOnlySpan<float> b2,
        ReadOnlySpan<float> b3, ReadOnlySpan<double> coefficients, Span<double> w)
    {
        int n = w.Length;
        if (b0.Length != n || b1.Length != n || b2.Length != n || b3.Length != n) ThrowLengthMismatch(nameof(w), b0.Length, n);
        if (coefficients.Length < 4) ThrowLengthMismatch(nameof(coefficients), 4, coefficients.Length);
        double c0 = coefficients[0], c1 = coefficients[1], c2 = coefficients[2], c3 = coefficients[3];
        ref float p0 = ref MemoryMarshal.GetReference(b0);
        ref float p1 = ref MemoryMarshal.GetReference(b1);
        ref float p2 = ref MemoryMarshal.GetReference(b2);
        ref float p3 = ref MemoryMarshal.GetReference(b3);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (MatrixKernels.UseVector512 && n >= 16)
        {
            var n0 = Vector512.Create(-c0); var n1 = Vector512.Create(-c1);
            var n2 = Vector512.Create(-c2); var n3 = Vector512.Create(-c3);
            for (; i <= n - 16; i += 16)
            {
                var f0 = Vector512.LoadUnsafe(ref p0, (nuint)i);
                var f1 = Vector512.LoadUnsafe(ref p1, (nuint)i);
                var f2 = Vector512.LoadUnsafe(ref p2, (nuint)i);
                var f3 = Vector512.LoadUnsafe(ref p3, (nuint)i);
                var lo = Vector512.LoadUnsafe(ref pw, (nuint)i);
                var hi = Vector512.LoadUnsafe(ref pw, (nuint)(i + 8));
                lo = Vector512.FusedMultiplyAdd(n0, Vector512.WidenLower(f0), lo);
                hi = Vector512.FusedMultiplyAdd(n0, Vector512.WidenUpper(f0), hi);
                lo = Vector512.FusedMultiplyAdd(n1, Vector512.WidenLower(f1), lo);
                hi = Vector512.FusedMultiplyAdd(n1, Vector512.WidenUpper(f1), hi);
                lo = Vector512.FusedMultiplyAdd(n2, Vector512.WidenLower(f2), lo);
                hi = Vector512.FusedMultiplyAdd(n2, Vector512.WidenUpper(f2), hi);
                lo = Vector512.FusedMultiplyAdd(n3, Vector512.WidenLower(f3), lo);
                hi = Vector512.FusedMultiplyAdd(n3, Vector512.WidenUpper(f3), hi);
                lo.StoreUnsafe(ref pw, (nuint)i);
                hi.StoreUnsafe(ref pw, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var n0 = Vector256.Create(-c0); var n1 = Vector256.Create(-c1);
            var n2 = Vector256.Create(-c2); var n3 = Vector256.Create(-c3);
            for (; i <= n - 8; i += 8)
            {
                var f0 = Vector256.LoadUnsafe(ref p0, (nuint)i);
                var f1 = Vector256.LoadUnsafe(ref p1, (nuint)i);
                var f2 = Vector256.LoadUnsafe(ref p2, (nuint)i);
                var f3 = Vector256.LoadUnsafe(ref p3, (nuint)i);
                var lo = Vector256.LoadUnsafe(ref pw, (nuint)i);
                var hi = Vector256.LoadUnsafe(ref pw, (nuint)(i + 4));
                lo = Vector256.FusedMultiplyAdd(n0, Vector256.WidenLower(f0), lo);
                hi = Vector256.FusedMultiplyAdd(n0, Vector256.WidenUpper(f0), hi);
                lo = Vector256.FusedMultiplyAdd(n1, Vector256.WidenLower(f1), lo);
                hi = Vector256.FusedMultiplyAdd(n1, Vector256.WidenUpper(f1), hi);
                lo = Vector256.FusedMultiplyAdd(n2, Vector256.WidenLower(f2), lo);
                hi = Vector256.FusedMultiplyAdd(n2, Vector256.WidenUpper(f2), hi);
                lo = Vector256.FusedMultiplyAdd(n3, Vector256.WidenLower(f3), lo);
                hi = Vector256.FusedMultiplyAdd(n3, Vector256.WidenUpper(f3), hi);
                lo.StoreUnsafe(ref pw, (nuint)i);
                hi.StoreUnsafe(ref pw, (nuint)(i + 4));
            }
        }
        for (; i < n; i++)
        {
            double acc = Unsafe.Add(ref pw, i);
            acc = Math.FusedMultiplyAdd(-c0, Unsafe.Add(ref p0, i), acc);
            acc = Math.FusedMultiplyAdd(-c1, Unsafe.Add(ref p1, i), acc);
            acc = Math.FusedMultiplyAdd(-c2, Unsafe.Add(ref p2, i), acc);
            acc = Math.FusedMultiplyAdd(-c3, Unsafe.Add(ref p3, i), acc);
            Unsafe.Add(ref pw, i) = acc;
        }
    }

    /// <summary>w ← w − c·b for a float32 vector b, in double.</summary>
    internal static void Subtract(double c, ReadOnlySpan<float> b, Span<double> w)
    {
        int n = w.Length;
        if (b.Length != n) ThrowLengthMismatch(nameof(w), b.Length, n);
        ref float pb = ref MemoryMarshal.GetReference(b);
        ref double pw = ref MemoryMarshal.GetReference(w);
        int i = 0;
        if (MatrixKernels.UseVector512 && n >= 16)
        {
            var nc = Vector512.Create(-c);
            for (; i <= n - 16; i += 16)
            {
                var f = Vector512.LoadUnsafe(ref pb, (nuint)i);
                Vector512.FusedMultiplyAdd(nc, Vector512.WidenLower(f), Vector512.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref pw, (nuint)i);
                Vector512.FusedMultiplyAdd(nc, Vector512.WidenUpper(f), Vector512.LoadUnsafe(ref pw, (nuint)(i + 8))).StoreUnsafe(ref pw, (nuint)(i + 8));
            }
        }
        else if (Vector256.IsHardwareAccelerated && n >= 8)
        {
            var nc = Vector256.Create(-c);
            for (; i <= n - 8; i += 8)
            {
                var f = Vector256.LoadUnsafe(ref pb, (nuint)i);
                Vector256.FusedMultiplyAdd(nc, Vector256.WidenLower(f), Vector256.LoadUnsafe(ref pw, (nuint)i)).StoreUnsafe(ref pw, (nuint)i);
                Vector256.FusedMultiplyAdd(nc, Vector256.WidenUpper(f), Vector256.LoadUnsafe(ref pw, (nuint)(i + 4))).StoreUnsafe(ref pw, (nuint)(i + 4));
            }
        }
        for (; i < n; i++) Unsafe.Add(ref pw, i) = Math.FusedMultiplyAdd(-c, Unsafe.Add(ref pb, i), Unsafe.Add(ref pw, i));
    }

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
