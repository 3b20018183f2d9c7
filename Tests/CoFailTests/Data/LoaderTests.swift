import Foundation
import Testing
@testable import CoFail

/// METHODS §0: every accepted form loads, every malformed class is rejected with location.
@Suite struct LoaderTests {
    func load(_ text: String, suffix: String = ".csv", threshold: Double? = nil) throws -> RawMatrix {
        try MatrixLoader(threshold: threshold).load(tempFile(text, suffix: suffix))
    }

    /// Expects a data error whose message names the line, column and offending value.
    func expectDataError(
        _ text: String, suffix: String = ".csv", line: Int, column: Int? = nil, value: String? = nil, contains: String
    ) {
        do {
            _ = try load(text, suffix: suffix)
            Issue.record("expected a data error for: \(text.debugDescription)")
        } catch let CoFailError.data(loc, v, message, _) {
            #expect(loc.line == line, "line in \(loc)")
            if let column { #expect(loc.column == column, "column in \(loc)") }
            if let value { #expect(v == value) }
            #expect(message.contains(contains), "message: \(message)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    /// A wide CSV of over 1 MiB is read in parts, one per thread, cut at line ends (blank lines
    /// and CRLF included): the matrix, and the first error of the file with its line, are those
    /// of one reader.
    @Test func wideCSVReadInPartsIsReadAsByOneReader() throws {
        let m = 150
        let vocabulary = ["0", "1", "", " 1", "0 ", "NA", "1"]
        func text(
            rows: Int, id: (Int) -> String = { "q\($0)" }, cell: (Int, Int) -> String? = { _, _ in nil }
        ) -> String {
            var s = "query," + (0..<m).map { "m\($0)" }.joined(separator: ",") + "\n"
            for r in 0..<rows {
                let cells = (0..<m).map { j in cell(r, j) ?? vocabulary[(r * 7 + j * 13 + r * j) % 7] }
                s += id(r) + "," + cells.joined(separator: ",") + (r % 5 == 0 ? "\r\n" : "\n")
                if r % 997 == 0 {
                    s += "\n"
                }
            }
            return s
        }
        // the line of row r: the header, the rows before it and the blank lines after rows 0, 997, …
        func line(_ r: Int) -> Int { 2 + r + (r + 996) / 997 }
        func outcome(_ path: String, threads: Int) -> String {
            do {
                let raw = try MatrixLoader(threads: threads).load(path)
                return "\(raw.queryIDs) \(raw.modelNames) \(raw.correct) \(raw.answered)"
            } catch {
                return "\(error)"
            }
        }
        let good = text(rows: 4000)
        #expect(good.utf8.count > 1 << 20)
        let path = try tempFile(good)
        let one = outcome(path, threads: 1)
        let raw = try MatrixLoader(threads: 3).load(path)
        #expect(raw.queryCount == 4000)
        var missing = 0
        var ones = 0
        for r in 0..<4000 {
            for j in 0..<m {
                let v = vocabulary[(r * 7 + j * 13 + r * j) % 7]
                missing += v == "" || v == "NA" ? 1 : 0
                ones += v.contains("1") ? 1 : 0
            }
        }
        #expect(raw.missingCells == missing)
        let correct: Int = raw.correct.joined().reduce(0) { $0 + $1.nonzeroBitCount }
        #expect(correct == ones)
        for threads in [2, 3, 7] {
            #expect(outcome(path, threads: threads) == one)
        }
        let badCell = text(rows: 4000, cell: { r, j in r == 3500 && j == 17 ? "maybe" : nil })
        let duplicate = text(rows: 4000, id: { $0 == 3900 ? "q5" : "q\($0)" })
        let cell: (Int, Int) -> String? = { r, j in r == 3500 && j == 17 ? "maybe" : nil }
        let duplicateFirst = text(rows: 4000, id: { $0 == 3000 ? "q5" : "q\($0)" }, cell: cell)
        let cellFirst = text(rows: 4000, id: { $0 == 3600 ? "q5" : "q\($0)" }, cell: cell)
        let expected = [
            (badCell, ":\(line(3500)):19 (column 'm17')"),
            (duplicate, ":\(line(3900)):1 (column 'query'): duplicate query id (first on line \(line(5)))"),
            (duplicateFirst, ":\(line(3000)):1 (column 'query'): duplicate query id (first on line \(line(5)))"),
            (cellFirst, ":\(line(3500)):19 (column 'm17')"),
        ]
        for (bad, place) in expected {
            let file = try tempFile(bad)
            let reference = outcome(file, threads: 1)
            #expect(reference.contains(place), "\(reference)")
            #expect(outcome(file, threads: 3) == reference)
        }
    }

    @Test func wideVocabularyAndMissing() throws {
        let raw = try load("query,a,b,c\nq1,1,0,TRUE\nq2,correct,Incorrect,no\nq3,yes,,NA\nq4,0,null,nan\n")
        #expect(raw.modelNames == ["a", "b", "c"])
        #expect(raw.queryCount == 4)
        #expect(raw.missingCells == 4)
        let (x, cov) = try raw.applyCoverage(.complete)
        #expect(x.n == 2)
        #expect(cov.droppedQueries == ["q3", "q4"])
    }

    @Test func bomCRLFAndQuotedCommasAreAccepted() throws {
        let text = "\u{FEFF}query,\"model, with comma\",\"quote \"\"b\"\"\"\r\n\"q,1\",1,0\r\nq2,0,1\r\n"
        let raw = try load(text)
        #expect(raw.modelNames == ["model, with comma", "quote \"b\""])
        #expect(raw.queryIDs == ["q,1", "q2"])
    }

    @Test func raggedRow() { expectDataError("query,a,b\nq1,1,0\nq2,1\n", line: 3, contains: "ragged row") }
    @Test func unknownCellValue() {
        expectDataError("query,a,b\nq1,1,maybe\n", line: 2, column: 3, value: "maybe", contains: "unknown cell value")
    }
    @Test func fractionalScoreNeedsThreshold() throws {
        expectDataError("query,a,b\nq1,1,0.7\n", line: 2, column: 3, value: "0.7", contains: "threshold")
        let raw = try load("query,a,b\nq1,1,0.7\nq2,0.2,1\n", threshold: 0.5)
        let (x, _) = try raw.applyCoverage(.complete)
        #expect(x.errorCount(0) == 1 && x.errorCount(1) == 0)
    }
    @Test func duplicateModel() {
        expectDataError("query,a,a\nq1,1,0\n", line: 1, column: 3, value: "a", contains: "duplicate model")
    }
    @Test func duplicateQueryInWide() {
        expectDataError("query,a,b\nq1,1,0\nq1,0,0\n", line: 3, column: 1, value: "q1", contains: "duplicate query")
    }
    @Test func emptyFile() { expectDataError("", line: 1, contains: "empty") }
    @Test func whitespaceOnlyFile() { expectDataError("\n\n  \n", line: 1, contains: "empty") }
    @Test func headerOnly() { expectDataError("query,a,b\n", line: 1, contains: "header only") }
    @Test func modelWithNoAnsweredQuery() {
        expectDataError("query,a,b\nq1,1,\nq2,0,NA\n", line: 1, column: 3, value: "b", contains: "no answered query")
    }
    @Test func nonUTF8Bytes() throws {
        let bytes: [UInt8] = Array("query,a,b\nq1,1,0\nq2,".utf8) + [0xFF, 0xFE] + Array(",1\n".utf8)
        do {
            _ = try MatrixLoader().load(tempFile(bytes))
            Issue.record("expected UTF-8 error")
        } catch let CoFailError.data(loc, value, message, _) {
            #expect(loc.line == 3 && loc.column == 4)
            #expect(value == "0xFF FE 2C 31")
            #expect(message.contains("UTF-8"))
        }
    }
    /// ASCII is skipped a word at a time: a valid multi-byte name passes, and a sequence cut off
    /// at the end of the input is found after it, on its own line.
    @Test func utf8AfterWordScan() throws {
        let good = "query,modèle,b\nq1,1,0\nq2,0,1\n"
        #expect(try MatrixLoader().load(tempFile(Array(good.utf8))).modelNames == ["modèle", "b"])
        do {
            _ = try MatrixLoader().load(tempFile(Array(good.utf8) + [0xC3]))
            Issue.record("expected UTF-8 error")
        } catch let CoFailError.data(loc, value, _, _) {
            #expect(loc.line == 4 && loc.column == 1)
            #expect(value == "0xC3")
        }
    }
    @Test func unclosedQuote() { expectDataError("query,a\n\"q1,1\n", line: 2, contains: "never closed") }

    @Test func longCSV() throws {
        let raw = try load(
            "query,model,correct,cost,family,extra\nq1,a,1,0.01,fa,x\nq1,b,0,,fb,x\nq2,a,0,0.02,fa,x\nq2,b,1,,fb,x\n")
        #expect(raw.format == .long)
        #expect(raw.modelNames == ["a", "b"])
        #expect(raw.families == ["fa", "fb"])
        #expect(raw.ignoredColumns == ["extra"])
        #expect(raw.costs![0] == [0.01, 0.02])
        #expect(raw.costs![1].allSatisfy { $0.isNaN })
        #expect(raw.queryTypes == nil && raw.confidences == nil)
    }
    @Test func longTypeAndConfidence() throws {
        let raw = try load(
            "query,model,correct,type,confidence\nq1,a,1,math,0.9\nq1,b,0,math,NA\nq2,a,0,code,-1.5e-3\nq2,b,1,code,\n")
        #expect(raw.queryTypes == ["math", "code"])
        #expect(raw.confidences![0] == [0.9, -1.5e-3])
        #expect(raw.confidences![1].allSatisfy { $0.isNaN })
        let jsonl = try load(
            #"{"query":"q1","model":"a","correct":1,"type":"t","confidence":0.25}"# + "\n"
                + #"{"query":"q1","model":"b","correct":0,"type":"t","confidence":"nan"}"# + "\n", suffix: ".jsonl")
        #expect(jsonl.queryTypes == ["t"] && jsonl.confidences![0] == [0.25] && jsonl.confidences![1][0].isNaN)
    }
    @Test func longBadConfidence() {
        expectDataError(
            "query,model,correct,confidence\nq1,a,1,inf\n", line: 2, column: 4, value: "inf", contains: "finite")
        expectDataError(
            "query,model,correct,confidence\nq1,a,1,high\n", line: 2, column: 4, value: "high",
            contains: "finite number")
    }
    @Test func longConflictingType() {
        expectDataError(
            "query,model,correct,type\nq1,a,1,x\nq1,b,0,y\n", line: 3, value: "y", contains: "'x' on line 2")
        expectDataError("query,model,correct,type\nq1,a,1,x\nq2,a,0,\n", line: 3, contains: "empty type")
    }
    @Test func longDuplicatePair() {
        expectDataError("query,model,correct\nq1,a,1\nq1,b,0\nq1,a,0\n", line: 4, contains: "duplicate (query, model)")
    }
    @Test func longUnknownValue() {
        expectDataError("query,model,correct\nq1,a,2\n", line: 2, column: 3, value: "2", contains: "outside [0, 1]")
    }
    @Test func longConflictingFamily() {
        expectDataError("query,model,correct,family\nq1,a,1,x\nq2,a,1,y\n", line: 3, contains: "family")
    }

    @Test func jsonLines() throws {
        let text = """
            {"query": "q1", "model": "a", "correct": true, "cost": 0.5}
            {"query": 2, "model": "a", "correct": 0}

            {"query": "q1", "model": "b", "correct": "incorrect", "family": "fb", "note": "x"}
            {"query": 2, "model": "b", "correct": null}
            """
        let raw = try load(text, suffix: ".jsonl")
        #expect(raw.format == .jsonl)
        #expect(raw.queryIDs == ["q1", "2"])
        #expect(raw.missingCells == 1)
        #expect(raw.ignoredColumns == ["note"])
    }
    @Test func jsonLinesBadLine() {
        expectDataError(
            "{\"query\":\"q\",\"model\":\"a\",\"correct\":1}\n{not json}\n", suffix: ".jsonl", line: 2,
            contains: "JSON object")
    }
    @Test func jsonLinesDuplicate() {
        expectDataError(
            "{\"query\":\"q\",\"model\":\"a\",\"correct\":1}\n{\"query\":\"q\",\"model\":\"a\",\"correct\":0}\n",
            suffix: ".jsonl", line: 2, contains: "duplicate")
    }

    @Test func registryFamiliesAndCoverage() throws {
        let raw = try load("query,a,b,c\nq1,1,0,1\nq2,0,0,\nq3,1,1,\n")
        let reg = try ModelRegistry.load(tempFile("model,family\na,fa\nb,fa\nz,fz\n"))
        let (x, cov) = try raw.applyCoverage(.minModelCoverage(0.5), registry: reg)
        #expect(x.modelNames == ["a", "b"])
        #expect(x.families == ["fa", "fa"])
        #expect(cov.droppedModels.map(\.name) == ["c"])
        #expect(cov.registryUnused == ["z"])
        #expect(x.n == 3)
    }

    @Test func noCompleteQueryIsAnError() throws {
        let raw = try load("query,a,b\nq1,1,\nq2,,0\n")
        #expect(throws: CoFailError.self) { try raw.applyCoverage(.complete) }
    }

    @Test func bundledExampleMatchesProvenance() throws {
        let raw = try MatrixLoader().load(exampleMatrix)
        #expect(raw.modelCount == 43 && raw.queryCount == 721 && raw.missingCells == 311)
        let (x, _) = try raw.applyCoverage(.complete)
        #expect(x.n == 425)
        let c = try Certificate(x)
        #expect(c.k == 16)  // PROVENANCE.md: all_wrong=16 on complete rows
    }
}
