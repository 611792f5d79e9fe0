using System.IO.Compression;
using SparsityBounds.Models;

namespace SparsityBounds.Tests.Models;

[TestFixture]
public class DatasetCsvTests
{
    [Test]
    public void ReadClassification_ParsesFeaturesAndLabels_WithScaleHeaderAndBlankLines()
    {
        const string text = "a,b,label\n1,2,0\n\n3, 4.5 ,2\n";
        Dataset data = DatasetCsv.ReadClassification(new StringReader(text), featureScale: 0.5, hasHeader: true);
        Assert.That(data.Count, Is.EqualTo(2));
        Assert.That(data.FeatureCount, Is.EqualTo(2));
        Assert.That(data.IsClassification, Is.True);
        Assert.That(data.ClassCount, Is.EqualTo(3));
        Assert.That(data.GetFeatures(1).ToArray(), Is.EqualTo(new[] { 1.5, 2.25 }));
        Assert.That(data.GetLabels(), Is.EqualTo(new[] { 0, 2 }));
    }

    [Test]
    public void ReadRegression_SplitsTrailingTargets()
    {
        Dataset data = DatasetCsv.ReadRegression(new StringReader("1,2,3,4\n5,6,7,8\n"), targetCount: 2);
        Assert.That(data.IsClassification, Is.False);
        Assert.That(data.FeatureCount, Is.EqualTo(2));
        Assert.That(data.TargetCount, Is.EqualTo(2));
        Assert.That(data.GetTargets(1).ToArray(), Is.EqualTo(new[] { 7.0, 8.0 }));
        Assert.That(() => data.GetLabel(0), Throws.InvalidOperationException);
    }

    [TestCase("1,2,0\n1,2\n", "line 2: 2 fields; expected 3")]
    [TestCase("1,2,0\n1,x,1\n", "line 2, field 2: 'x' is not a number")]
    [TestCase("1,2,0\n\n1,NaN,1\n", "line 3, field 2: 'NaN' is not finite")]
    [TestCase("1,2,0\n1,2,1.5\n", "line 2: the label (last field) '1.5' is not an integer")]
    [TestCase("1,2,-3\n", "line 1: the label -3 is negative")]
    [TestCase("7\n", "line 1: 1 field(s)")]
    [TestCase("\n\n", "no data lines")]
    public void ReadClassification_ReportsLineAndProblem(string text, string expected)
    {
        Assert.That(() => DatasetCsv.ReadClassification(new StringReader(text), sourceName: "bad.csv"),
            Throws.TypeOf<FormatException>().With.Message.Contains("bad.csv").And.Message.Contains(expected));
    }

    [Test]
    public void ReadRegression_ReportsInfiniteTarget()
    {
        Assert.That(() => DatasetCsv.ReadRegression(new StringReader("1,2\n3,Infinity\n"), 1, sourceName: "r.csv"),
            Throws.TypeOf<FormatException>().With.Message.Contains("r.csv line 2, field 2"));
    }

    [Test]
    public void Readers_RejectBadArguments()
    {
        Assert.That(() => DatasetCsv.ReadClassification(new StringReader("1,0"), featureScale: 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("featureScale"));
        Assert.That(() => DatasetCsv.ReadRegression(new StringReader("1,0"), targetCount: 0),
            Throws.InstanceOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo("targetCount"));
        Assert.That(() => DatasetCsv.ReadClassification(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void LoadClassification_ReadsGzipFiles()
    {
        string path = Path.Combine(Path.GetTempPath(), $"sparsitybounds-{Guid.NewGuid():N}.csv.gz");
        try
        {
            using (var file = File.Create(path))
            using (var gzip = new GZipStream(file, CompressionLevel.Fastest))
            using (var writer = new StreamWriter(gzip))
                writer.Write("0.5,1\n0.25,0\n");
            Dataset data = DatasetCsv.LoadClassification(path);
            Assert.That(data.Count, Is.EqualTo(2));
            Assert.That(data.GetFeatures(0)[0], Is.EqualTo(0.5));
            Assert.That(data.GetLabel(0), Is.EqualTo(1));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
