#!/usr/bin/env python3
"""Talks to `sigmic-archive mcp` with the official Python MCP client (PyPI `mcp`), over stdio.

Usage: mcp_check.py BINARY ARCHIVE TASK_ID HOSTILE_TASK_ID

Initializes, lists tools, calls each tool (and each error case), lists and reads a resource, pages
through a long task; prints one JSON object of observations for the Swift test to judge.
"""
import asyncio
import json
import re
import os
import sys

from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

binary, archive, task_id, hostile_id = sys.argv[1:5]


def texts(result):
    return [item.text for item in result.content if getattr(item, "type", "") == "text"]


async def main():
    seen = {}
    # As an MCP client's configuration would: the server's environment is given, and for a PostgreSQL
    # archive it names the password file.
    env = {"PATH": "/usr/bin:/bin", **{key: os.environ[key] for key in ["PGPASSFILE"] if key in os.environ}}
    parameters = StdioServerParameters(command=binary, args=["mcp", "--archive", archive], env=env)
    async with stdio_client(parameters) as (read, write):
        async with ClientSession(read, write) as session:
            init = await session.initialize()
            seen["serverName"] = init.server_info.name
            seen["serverVersion"] = init.server_info.version
            seen["hasTools"] = init.capabilities.tools is not None
            tools = await session.list_tools()
            seen["tools"] = sorted(tool.name for tool in tools.tools)
            seen["schemasHaveProperties"] = all("properties" in tool.input_schema for tool in tools.tools)

            hits = await session.call_tool("search", {"query": "canary", "limit": 5})
            seen["searchError"] = hits.is_error
            seen["searchHits"] = json.loads(texts(hits)[0])
            seen["searchHitsCompact"] = "\n" not in texts(hits)[0]
            filtered = await session.call_tool("search", {"query": "canary", "kind": "thought"})
            seen["thoughtHits"] = json.loads(texts(filtered)[0])
            listed = await session.call_tool("list_tasks", {"status": "failed"})
            seen["failedTasks"] = json.loads(texts(listed)[0])
            task = await session.call_tool("get_task", {"id": task_id[:8]})
            seen["taskText"] = texts(task)[0]
            as_json = await session.call_tool("get_task", {"id": task_id, "format": "json", "maxChars": 200000})
            seen["taskJSON"] = json.loads(texts(as_json)[0])
            live = await session.call_tool("get_task", {"id": hostile_id, "format": "live"})
            seen["liveText"] = texts(live)[0]
            unrecorded = await session.call_tool("get_task", {"id": "bbbb2222", "format": "live"})
            seen["unrecordedLive"] = texts(unrecorded)[0]
            stats = await session.call_tool("stats", {"by": "month", "since": "2026-01-01"})
            seen["stats"] = json.loads(texts(stats)[0])

            # Page through the hostile task at the smallest page size, following each page's own words.
            pages, arguments = [], {"id": hostile_id, "maxChars": 1000}
            while len(pages) < 50:
                page = texts(await session.call_tool("get_task", arguments))[0]
                pages.append(page)
                found = re.search(r"Next page: get_task (\{.*\})\]$", page)
                if not found:
                    break
                arguments = json.loads(found.group(1))
            seen["pages"] = pages

            artifact = await session.call_tool("get_artifact", {"id": task_id, "path": "downloads/postmortem.md"})
            seen["artifactText"] = texts(artifact)
            image = await session.call_tool("get_artifact", {"id": hostile_id, "path": "downloads/chart.png"})
            seen["imageTypes"] = [item.type for item in image.content]
            seen["imageData"] = [getattr(item, "data", None) for item in image.content if item.type == "image"]

            errors = {}
            for label, name, arguments in [
                ("unknownId", "get_task", {"id": "ffff0000"}),
                ("ambiguous", "get_task", {"id": "aaaa"}),
                ("invalidQuery", "search", {"query": "deploy OR"}),
                ("badLimit", "search", {"query": "canary", "limit": 0}),
                ("badStatus", "list_tasks", {"status": "bogus"}),
                ("missingArtifact", "get_artifact", {"id": task_id, "path": "nope.txt"}),
                ("unknownTool", "delete_everything", {}),
            ]:
                result = await session.call_tool(name, arguments)
                errors[label] = {"isError": result.is_error, "text": texts(result)[0] if texts(result) else ""}
            seen["errors"] = errors
            still = await session.call_tool("search", {"query": "canary", "limit": 1})
            seen["aliveAfterErrors"] = not still.is_error

            resources = await session.list_resources()
            seen["resources"] = [str(resource.uri) for resource in resources.resources]
            content = await session.read_resource(f"sigmic://tasks/{task_id}")
            seen["resourceText"] = content.contents[0].text
            try:
                await session.read_resource("sigmic://tasks/ffff0000")
                seen["unknownResource"] = "no error"
            except Exception as error:  # noqa: BLE001 (the client raises the server's JSON-RPC error)
                seen["unknownResource"] = str(error)
    print(json.dumps(seen))


asyncio.run(main())
