import Foundation
import Numerics
import Testing
@testable import CoFail

/// The command line of route: exit codes, messages and reports as a user sees them (the library
/// behaviour these commands wrap is tested in RouteTests.swift).
@Suite struct RouteCLITests {
    @Test func inputErrorsNameTheCell() throws {
        let missing = try tempFile("query,model,correct,cost\nq1,a,1,0.1\nq1,b,0,\n")
        let r = try runCLI(["route", missing])
        #expect(r.status == 65)
        #expect(r.stderr.contains("q1") && r.stderr.contains("b") && r.stderr.contains("never imputed"))
        let twoTypes = try tempFile("query,model,correct,cost,type\nq1,a,1,0.1,x\nq1,b,0,0.2,y\n")
        let t = try runCLI(["route", twoTypes])
        #expect(t.status == 65)
        #expect(t.stderr.contains("line 2") && t.stderr.contains("'x'") && t.stderr.contains("'y'"))
        let noType = try tempFile("query,model,correct,cost\nq1,a,1,0.1\nq1,b,0,0.2\n")
        #expect(try runCLI(["route", noType, "--partition", "type"]).status == 64)
        let wide = try tempFile("query,a,b\nq1,1,0\nq2,0,1\n")
        let costs = try tempFile("model,cost\na,0.1\nb,0.3\n")
        let ok = try runCLI(["route", wide, "--model-costs", costs, "--format", "json"])
        #expect(ok.status == 0, "\(ok.stderr)")
        #expect(try runCLI(["route", noType, "--model-costs", costs]).status == 64)
        let routes = try tempFile("query,model\nq1,a\nq1,b\n")
        let dup = try runCLI(["route", wide, "--model-costs", costs, "--routes", routes])
        #expect(dup.status == 65 && dup.stderr.contains("duplicate route"))
    }
}
