"""Drive procedures through the HTTP API as the demo users, the way people do."""

from __future__ import annotations

from typing import Any

from tests.conftest import Auth


class Driver:
    """Start instances and complete their tasks as named demo users, checking as it goes."""

    def __init__(self, auth: Auth) -> None:
        self.auth = auth

    def start(self, username: str, model: str, data: dict[str, Any]) -> dict[str, Any]:
        """Start `model` as `username`; returns the instance."""
        response = self.auth.post(
            username, "/api/v1/process-instances", json={"process_model_id": model, "data": data}
        )
        assert response.status_code == 201, response.json
        return response.json

    def task(self, username: str, instance_id: int, name: str) -> str:
        """The id of the one ready task `name` of the instance in `username`'s inbox."""
        items = self.auth.get(username, "/api/v1/tasks?per_page=200").json["items"]
        found = [t["id"] for t in items if t["process_instance_id"] == instance_id]
        names = [t["name"] for t in items if t["process_instance_id"] == instance_id]
        assert names == [name], (username, names)
        return found[0]

    def complete(
        self,
        username: str,
        instance_id: int,
        name: str,
        data: dict[str, Any],
        outsider: str | None = None,
    ) -> dict[str, Any]:
        """Complete task `name` as `username`; first `outsider` (no role) must get 403."""
        task_id = self.task(username, instance_id, name)
        if outsider is not None:
            refused = self.auth.post(
                outsider, f"/api/v1/tasks/{task_id}/complete", json={"data": data}
            )
            assert refused.status_code == 403, (outsider, name, refused.json)
        response = self.auth.post(
            username, f"/api/v1/tasks/{task_id}/complete", json={"data": data}
        )
        assert response.status_code == 200, response.json
        return response.json["process_instance"]

    def instance(self, username: str, instance_id: int) -> dict[str, Any]:
        """The instance with its tasks, events and links."""
        response = self.auth.get(username, f"/api/v1/process-instances/{instance_id}")
        assert response.status_code == 200, response.json
        return response.json

    def kinds(self, username: str, instance_id: int) -> list[str]:
        """The kinds of the instance's events, in order."""
        return [e["kind"] for e in self.instance(username, instance_id)["events"]]
