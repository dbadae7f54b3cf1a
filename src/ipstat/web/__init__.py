"""The intake portal (intake-portal.md): Starlette pages and uvicorn, on the library's desk.
The only floor that imports a web framework."""
