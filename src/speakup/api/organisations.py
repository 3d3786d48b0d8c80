from rest_framework import generics, serializers
from rest_framework.permissions import AllowAny

from speakup.organisations.models import Organisation
from speakup.organisations.queries import active_organisations


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["ods_code", "name", "kind"]


class OrganisationList(generics.ListAPIView):
    """Organisations taking concerns: public, so a speaker can choose where to speak up."""

    serializer_class = OrganisationSerializer
    authentication_classes = []
    permission_classes = [AllowAny]
    pagination_class = None

    def get_queryset(self):
        return active_organisations()
