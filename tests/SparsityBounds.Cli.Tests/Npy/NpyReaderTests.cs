using SparsityBounds.Cli.Npy;

namespace SparsityBounds.Cli.Tests.Npy;

/// <summary>
/// The reader against files written by NumPy itself (Fixtures/, made by make_fixtures.py with NumPy 1.24.2: the
/// independent oracle), and against the writer for every dtype and header version.
/// </summary>
public sealed class NpyReaderTests
{
    private static string Fixture(string name) => Path.Combine(TestContext.CurrentContext.TestDirectory, "Npy", "Fixtures", name);

    // The values make_fixtures.py writes, by flattened index.
    private static double Float(int i) => (i - 3) * 0.5 + i / 7.0;

    [TestCase("f8_1d.npy", 1)]
    [TestCase("f8_1d_v2.npy", 2)]
    [TestCase("f8_1d_v3.npy", 3)]
    public void Float64Vector_IsReadExactly_InEveryHeaderVersion(string name, int version)
    {
        var array = NpyReader.Read(Fixture(name));
        Assert.Multiple(() =>
        {
            Assert.That(array.FormatMajorVersion, Is.EqualTo(version));
            Assert.That(array.DType, Is.EqualTo(NpyDType.Float64));
            Assert.That(array.Shape, Is.EqualTo(new[] { 7 }));
            Assert.That(array.ToVector("x"), Is.EqualTo(Enumerable.Range(0, 7).Select(Float).ToArray()));   // bitwise: same formula in double
        });
    }

    [Test]
    public void Float64Matrix_IsRowMajor()
    {
        var array = NpyReader.Read(Fixture("f8_2d.npy"));
        Assert.That(array.Shape, Is.EqualTo(new[] { 3, 4 }));
        Assert.That(() => array.ToSquareMatrix("H"), Throws.TypeOf<NpyFormatException>().With.Message.Contains("square"));
        Assert.That(array.Values, Is.EqualTo(Enumerable.Range(0, 12).Select(Float).ToArray()));
    }

    [Test]
    public void Float32_IsWidenedFromTheStoredSingles()
    {
        var vector = NpyReader.Read(Fixture("f4_1d.npy"));
        var matrix = NpyReader.Read(Fixture("f4_2d.npy"));
        Assert.Multiple(() =>
        {
            Assert.That(vector.DType, Is.EqualTo(NpyDType.Float32));
            Assert.That(vector.Values, Is.EqualTo(Enumerable.Range(0, 7).Select(i => (double)(float)Float(i)).ToArray()));
            Assert.That(matrix.Shape, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(matrix.Values, Is.EqualTo(Enumerable.Range(0, 6).Select(i => (double)(float)Float(i)).ToArray()));
        });
    }

    [Test]
    public void Float16_IsWidenedFromTheStoredHalves()
    {
        var array = NpyReader.Read(Fixture("f2_1d.npy"));
        Assert.That(array.Values, Is.EqualTo(Enumerable.Range(0, 5).Select(i => (double)(Half)Float(i)).ToArray()));
    }

    [TestCase("i4_1d.npy", "<i4")]
    [TestCase("i8_1d.npy", "<i8")]
    public void SignedIntegers_AreRead(string name, string descriptor)
    {
        var array = NpyReader.Read(Fixture(name));
        Assert.That(NpyArray.DescriptorOf(array.DType), Is.EqualTo(descriptor));
        Assert.That(array.ToVector("x"), Is.EqualTo(new double[] { -3, -2, -1, 0, 1, 2 }));
    }

    [Test]
    public void UInt8ZeroOne_AndBool_AreMasks()
    {
        var bools = NpyReader.Read(Fixture("b1_1d.npy"));
        Assert.That(bools.DType, Is.EqualTo(NpyDType.Bool));
        Assert.That(bools.ToMask("mask"), Is.EqualTo(Enumerable.Range(0, 7).Select(i => i % 3 == 0).ToArray()));
        Assert.That(() => bools.ToVector("weights"), Throws.TypeOf<NpyFormatException>().With.Message.Contains("bool array"));

        var bytes = NpyReader.Read(Fixture("u1_1d.npy"));   // 0..5: not a 0/1 mask
        Assert.That(bytes.ToVector("x"), Is.EqualTo(new double[] { 0, 1, 2, 3, 4, 5 }));
        Assert.That(() => bytes.ToMask("the prunable mask"),
            Throws.TypeOf<NpyFormatException>().With.Message.Contains("element 2 is 2"));
    }

    [Test]
    public void FloatMask_IsRefused()
    {
        var array = NpyReader.Read(Fixture("f8_1d.npy"));
        Assert.That(() => array.ToMask("the prunable mask"), Throws.TypeOf<NpyFormatException>().With.Message.Contains("astype(bool)"));
    }

    [Test]
    public void EmptyArray_IsReadAsEmpty()
    {
        var array = NpyReader.Read(Fixture("f8_empty.npy"));
        Assert.That(array.Shape, Is.EqualTo(new[] { 0 }));
        Assert.That(array.Values, Is.Empty);
    }

    [TestCase("f8_big_endian.npy", "big-endian")]
    [TestCase("f8_fortran.npy", "Fortran")]
    [TestCase("object.npy", "object arrays")]
    [TestCase("complex.npy", "complex")]
    [TestCase("unicode.npy", "string arrays")]
    [TestCase("structured.npy", "structured")]
    [TestCase("scalar.npy", "1-D or 2-D")]
    [TestCase("f8_3d.npy", "1-D or 2-D")]
    [TestCase("truncated.npy", "truncated: shape (7,) of <f8 needs 56 data bytes, but the file holds 51")]
    [TestCase("two_arrays.npy", "unexpected byte(s) after the 24 data bytes")]
    [TestCase("archive.npz", "zip archive")]
    public void UnsupportedFiles_AreRefusedWithAReason(string name, string reason)
    {
        string path = Fixture(name);
        var e = Assert.Throws<NpyFormatException>(() => NpyReader.Read(path))!;
        Assert.Multiple(() =>
        {
            Assert.That(e.Message, Does.StartWith(path + ": "));
            Assert.That(e.Message, Does.Contain(reason));
        });
    }

    [Test]
    public void NotNpy_IsRefused()
    {
        var e = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream("1.0,2.0\n"u8.ToArray()), "w.csv"))!;
        Assert.That(e.Message, Is.EqualTo("w.csv: not a NumPy .npy file (it does not start with the \\x93NUMPY magic); write it with np.save(path, array)."));
    }

    [Test]
    public void WriterOutput_IsByteForByteNumPys()
    {
        var stream = new MemoryStream();
        NpyWriter.Write(stream, Enumerable.Range(0, 7).Select(Float).ToArray(), [7]);
        Assert.That(stream.ToArray(), Is.EqualTo(File.ReadAllBytes(Fixture("f8_1d.npy"))));

        var matrix = new MemoryStream();
        NpyWriter.Write(matrix, Enumerable.Range(0, 12).Select(Float).ToArray(), [3, 4]);
        Assert.That(matrix.ToArray(), Is.EqualTo(File.ReadAllBytes(Fixture("f8_2d.npy"))));

        var bools = new MemoryStream();
        NpyWriter.Write(bools, Enumerable.Range(0, 7).Select(i => i % 3 == 0 ? 1.0 : 0.0).ToArray(), [7], NpyDType.Bool);
        Assert.That(bools.ToArray(), Is.EqualTo(File.ReadAllBytes(Fixture("b1_1d.npy"))));
    }

    [Test]
    public void RoundTrip_EveryDTypeAndVersion([Range(0, 10)] int dtypeIndex, [Values(1, 2, 3)] int version)
    {
        var dtype = (NpyDType)dtypeIndex;
        Assume.That(Enum.IsDefined(dtype));
        double[] values = dtype switch
        {
            NpyDType.Bool => [1, 0, 0, 1, 1, 0],
            NpyDType.UInt8 or NpyDType.UInt16 or NpyDType.UInt32 => [0, 1, 2, 250, 7, 9],
            NpyDType.Int8 or NpyDType.Int16 or NpyDType.Int32 or NpyDType.Int64 => [-3, 0, 1, 100, -100, 7],
            NpyDType.Float16 => [0.5, -1.25, 3, 1024, -0.0078125, 0],
            _ => [Math.PI, -Math.E, 1e-300, -1e300, 0.1, 0],
        };
        double[] expected = dtype == NpyDType.Float32 ? values.Select(v => (double)(float)v).ToArray() : values;
        var stream = new MemoryStream();
        NpyWriter.Write(stream, values, [2, 3], dtype, version);
        stream.Position = 0;
        var array = NpyReader.Read(stream, "memory");
        Assert.Multiple(() =>
        {
            Assert.That(array.DType, Is.EqualTo(dtype));
            Assert.That(array.FormatMajorVersion, Is.EqualTo(version));
            Assert.That(array.Shape, Is.EqualTo(new[] { 2, 3 }));
            Assert.That(array.Values, Is.EqualTo(expected));
            Assert.That((stream.Length - 6 * NpyArray.ItemSize(dtype)) % 64, Is.Zero, "header padded to a multiple of 64 bytes");
        });
    }

    [Test]
    public void LargeArray_IsReadAcrossChunks()
    {
        int n = 300_000;   // 2.4 MB: more than the 1 MiB read buffer
        var values = Enumerable.Range(0, n).Select(i => Math.Sin(i)).ToArray();
        var stream = new MemoryStream();
        NpyWriter.Write(stream, values, [n]);
        stream.Position = 0;
        Assert.That(NpyReader.Read(stream, "big").Values, Is.EqualTo(values));
    }

    [Test]
    public void Int64BeyondTwoToThe53_IsRefused()
    {
        var bytes = Header("<i8", "(1,)", 1);
        var data = BitConverter.GetBytes((1L << 53) + 1);
        var e = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream([.. bytes, .. data]), "big.npy"))!;
        Assert.That(e.Message, Does.Contain("beyond ±2^53"));
    }

    [TestCase("{'descr': '<f8', 'fortran_order': False}", "no 'shape' entry")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", "unexpected header key 'extra'")]
    [TestCase("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", "fortran_order must be True or False")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", "non-negative")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", "shape must be a tuple")]
    [TestCase("{'descr': '=f8', 'fortran_order': False, 'shape': (2,)}", "byte order")]
    [TestCase("{'descr': '<u8', 'fortran_order': False, 'shape': (2,)}", "not supported")]
    [TestCase("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", "not a valid Python dict literal")]
    [TestCase("not a dict", "not a valid Python dict literal")]
    public void MalformedHeaders_AreRefused(string dict, string reason)
    {
        var header = Header(dict, 1);
        var e = Assert.Throws<NpyFormatException>(() => NpyReader.Read(new MemoryStream([.. header, .. new byte[16]]), "bad.npy"))!;
        Assert.That(e.Message, Does.Contain(reason));
    }

    [Test]
    public void UnknownVersion_AndTruncatedHeader_AreRefused()
    {
        byte[] v4 = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 4, 0, 10, 0];
        Assert.That(() => NpyReader.Read(new MemoryStream(v4), "v4.npy"), Throws.TypeOf<NpyFormatException>().With.Message.Contains("version 4.0"));
        byte[] cut = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0, 100, 0, (byte)'{'];
        Assert.That(() => NpyReader.Read(new MemoryStream(cut), "cut.npy"), Throws.TypeOf<NpyFormatException>().With.Message.Contains("header should be 100 bytes"));
    }

    [Test]
    public void NonFiniteValues_AreNamedByPosition()
    {
        var stream = new MemoryStream();
        NpyWriter.Write(stream, [1, 2, 3, double.NaN], [2, 2]);
        stream.Position = 0;
        var array = NpyReader.Read(stream, "H.npy");
        Assert.That(() => array.ToSquareMatrix("the Hessian"),
            Throws.TypeOf<NpyFormatException>().With.Message.EqualTo("H.npy: the Hessian must be finite, but element [1, 1] is NaN."));
    }

    [Test]
    public void RowVector_SuggestsRavel()
    {
        var stream = new MemoryStream();
        NpyWriter.Write(stream, [1, 2, 3], [1, 3]);
        stream.Position = 0;
        Assert.That(() => NpyReader.Read(stream, "w.npy").ToVector("the weights"),
            Throws.TypeOf<NpyFormatException>().With.Message.Contains("a.ravel()"));
    }

    private static byte[] Header(string descr, string shape, int version) =>
        Header($"{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}", version);

    private static byte[] Header(string dict, int version)
    {
        var text = System.Text.Encoding.Latin1.GetBytes(dict + "\n");
        byte[] prefix = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)version, 0];
        return [.. prefix, (byte)(text.Length & 0xFF), (byte)(text.Length >> 8), .. text];
    }
}
